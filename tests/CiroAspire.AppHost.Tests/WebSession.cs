using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace CiroAspire.AppHost.Tests;

/// <summary>The dashboard as a browser sees it: a client with its own cookie jar, signed in with a user's
/// password (the session cookie; the anti-forgery token for POSTs in <see cref="AntiforgeryToken"/>).</summary>
public sealed class WebSession : IDisposable
{
    private WebSession(HttpClient http, CookieContainer cookies, string antiforgeryToken)
    {
        Http = http;
        Cookies = cookies;
        AntiforgeryToken = antiforgeryToken;
    }

    public HttpClient Http { get; }
    public CookieContainer Cookies { get; }
    public string AntiforgeryToken { get; }

    /// <summary>Signs in as the AppHost's dev admin, whose password it generated into the data folder.</summary>
    public static Task<WebSession> AsDevAdminAsync(DistributedApplication app, string dataDirectory) =>
        SignInAsync(app, "admin", File.ReadAllText(Path.Combine(dataDirectory, "web-admin.password")).Trim());

    public static async Task<WebSession> SignInAsync(DistributedApplication app, string user, string password)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = app.GetEndpoint("web", "http") };
        using var response = await http.PostAsJsonAsync("/auth/login", new { userName = user, password });
        Assert.True(response.IsSuccessStatusCode, $"sign-in as {user} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var session = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new WebSession(http, cookies, session.GetProperty("antiforgeryToken").GetString()!);
    }

    public void Dispose() => Http.Dispose();
}
