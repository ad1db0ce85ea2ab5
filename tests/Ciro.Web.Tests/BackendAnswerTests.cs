using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ciro.Web.Tests;

/// <summary>What the web tier does with a backend's answer: a slow one is waited for (as long as analytics lets a
/// query run) and a 503 is passed on, neither sent again — a retried query runs again and adds to the load that made
/// it slow.</summary>
[Collection(WebCollection.Name)]
public sealed class BackendAnswerTests(WebFixture fixture)
{
    [Fact]
    public async Task A_query_slower_than_ten_seconds_is_waited_for_and_never_sent_twice()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        await using var analytics = await BackendAsync(async context =>
        {
            if (context.Request.Path == "/api/blocks/latest")
            {
                Interlocked.Increment(ref calls);
            }
            await release.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsJsonAsync(new { blockNumber = 12 });
        });
        await using var web = fixture.Web(s => s.AddSingleton<TimeProvider>(clock), ("Ciro:AnalyticsUrl", analytics.Urls.Single()));
        using var vera = await SignedInAsync(web);

        var answer = vera.GetAsync("/api/blocks/latest");
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);
        // 40 s on the resilience handler's clock: past the default 10 s attempt timeout and its retry's 2 s delay,
        // short of the 45 s the web tier now allows.
        for (var second = 0; second < 40; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
        Assert.False(answer.IsCompleted, "the web tier gave up on a query within 40 s");
        Assert.Equal(1, Volatile.Read(ref calls));

        release.SetResult();
        using var response = await answer;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(12, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("blockNumber").GetInt32());
        Assert.Equal(1, Volatile.Read(ref calls));
        Assert.Equal(TimeSpan.FromSeconds(45), Ciro.Web.Extensions.Extensions.BackendAttemptTimeout);
    }

    [Fact]
    public async Task A_backends_503_reaches_the_browser_as_it_was_written_and_is_not_retried()
    {
        var calls = 0;
        await using var analytics = await BackendAsync(async context =>
        {
            if (context.Request.Path == "/api/kpi/usage")
            {
                Interlocked.Increment(ref calls);
            }
            context.Response.Headers.RetryAfter = "5";
            await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Query timed out",
                detail: "The query ran longer than Ciro:Analytics:StatementTimeoutSeconds = 30 s.").ExecuteAsync(context);
        });
        await using var web = fixture.Web(("Ciro:AnalyticsUrl", analytics.Urls.Single()));
        using var vera = await SignedInAsync(web);

        using var response = await vera.GetAsync("/api/kpi/usage?bucket=hour");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Query timed out", problem.GetProperty("title").GetString());
        Assert.Equal("The query ran longer than Ciro:Analytics:StatementTimeoutSeconds = 30 s.", problem.GetProperty("detail").GetString());
        // Retried (as the standard handler does with a 503), the backend would have seen three requests.
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    /// <summary>An analytics stand-in on a free loopback port answering every request with <paramref name="answer"/>.</summary>
    private static async Task<WebApplication> BackendAsync(RequestDelegate answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var backend = builder.Build();
        backend.Run(answer);
        await backend.StartAsync();
        return backend;
    }

    private static async Task<HttpClient> SignedInAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> web)
    {
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = WebFixture.Address(web) };
        await WebAuthTests.SignInAsync(http, WebFixture.Viewer);
        return http;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25);
        }
        Assert.True(condition(), "the backend never saw the request");
    }
}
