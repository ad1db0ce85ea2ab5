using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ciro.Web.Tests;

/// <summary>Requests over a client's budget are answered 429 ProblemDetails with Retry-After, per user and per
/// address for sign-in attempts (fixed one-minute windows; the tests stay well inside one).</summary>
[Collection(WebCollection.Name)]
public sealed class RateLimitTests(WebFixture fixture)
{
    [Fact]
    public async Task The_fourth_sign_in_attempt_in_a_minute_is_429_even_with_the_right_password()
    {
        await using var web = fixture.Web(("Ciro:Web:RateLimit:LoginAttemptsPerMinute", "3"));
        using var http = new HttpClient { BaseAddress = WebFixture.Address(web) };
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await http.PostAsJsonAsync("/auth/login", new { userName = WebFixture.Viewer.Name, password = $"guess-{i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var limited = await http.PostAsJsonAsync("/auth/login", new { userName = WebFixture.Viewer.Name, password = WebFixture.Viewer.Password });
        await AssertTooManyRequestsAsync(limited);
    }

    [Fact]
    public async Task A_signed_in_user_over_her_requests_per_minute_gets_429_and_another_user_does_not()
    {
        await using var web = fixture.Web(("Ciro:Web:RateLimit:RequestsPerMinute", "4"));
        var address = WebFixture.Address(web);
        using var vera = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
        using var oscar = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
        await WebAuthTests.SignInAsync(vera, WebFixture.Viewer);   // signed-out requests count per address: 1
        await WebAuthTests.SignInAsync(oscar, WebFixture.Operator); // 2
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await vera.GetAsync("/api/blocks/latest")).StatusCode);
        }
        using var limited = await vera.GetAsync("/api/blocks/latest");
        await AssertTooManyRequestsAsync(limited);
        Assert.Equal(HttpStatusCode.OK, (await oscar.GetAsync("/api/blocks/latest")).StatusCode);
    }

    [Fact]
    public async Task A_backends_429_reaches_the_browser_with_its_retry_after_and_is_not_retried()
    {
        // An analytics stand-in that refuses every request as its per-caller rate limit does.
        var calls = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var analytics = builder.Build();
        analytics.Run(async context =>
        {
            Interlocked.Increment(ref calls);
            context.Response.Headers.RetryAfter = "17";
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: "More than Ciro:Analytics:RateLimitRequests requests in 60 s from this caller. Try again in 17 s.").ExecuteAsync(context);
        });
        await analytics.StartAsync();
        await using var web = fixture.Web(("Ciro:AnalyticsUrl", analytics.Urls.Single()));
        using var vera = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = WebFixture.Address(web) };
        await WebAuthTests.SignInAsync(vera, WebFixture.Viewer);

        using var limited = await vera.GetAsync("/api/blocks/latest");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("17", limited.Headers.GetValues("Retry-After").Single());
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("Try again in 17 s", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Retried, the web tier would have waited out the 17 s and answered 502; the backend saw one request.
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    private static async Task AssertTooManyRequestsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 60);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
    }
}
