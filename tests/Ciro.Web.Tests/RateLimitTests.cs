using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

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
