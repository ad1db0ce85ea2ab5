using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Ciro.Testing;
using Ciro.Web.Auth;
using Ciro.Web.Exports;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ciro.Web.Tests;

/// <summary>POST /api/export/pdf over real HTTP on loopback: who may ask, what is refused (naming the field), the
/// one-time print ticket, and a viewer's PDF printed by Debian's Chromium from the built dashboard (the stand-in
/// backends answer empty pages, so the sections say so), read back with pdftotext.</summary>
[Collection(WebCollection.Name)]
public sealed class PdfExportTests(WebFixture fixture) : IAsyncLifetime
{
    private WebApplicationFactory<Program> _web = null!;

    public Task InitializeAsync()
    {
        _web = fixture.Web();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _web.DisposeAsync();

    [Fact]
    public async Task A_signed_out_caller_gets_401_and_no_browser_starts()
    {
        using var http = Client();
        using var response = await http.PostAsJsonAsync("/api/export/pdf", new { views = new[] { "gas" } });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Sign in first", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("""{"views":["gas","secrets"]}""", "views", "'views' = 'secrets' is not a view")]
    [InlineData("""{"views":[]}""", "views", "must list 1 to 8")]
    [InlineData("""{"views":["gas"],"from":"yesterday","to":"2026-11-08T00:00:00Z"}""", "from", "'from' = 'yesterday'")]
    [InlineData("""{"views":["gas"],"from":"2026-11-08T00:00:00Z","to":"2026-11-01T00:00:00Z"}""", "to", "must be after 'from'")]
    [InlineData("""{"views":["gas"],"period":"2y"}""", "period", "'period' = '2y' must be one of 1h, 6h, 24h, 7d, 30d")]
    [InlineData("""{"views":["gas"],"contract":"0xzz"}""", "contract", "'contract' = '0xzz'")]
    public async Task A_bad_request_is_400_naming_the_field_and_the_value(string body, string field, string detail)
    {
        using var http = Client();
        var session = await WebAuthTests.SignInAsync(http, WebFixture.Viewer);
        using var response = await http.SendAsync(ExportRequest(session, body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Turned_off_the_web_starts_without_a_browser_and_the_export_is_503_naming_the_key()
    {
        await using var web = fixture.Web(("Ciro:Web:PdfExport:Enabled", "false"), ("Ciro:Web:PdfExport:ChromiumPath", "/nonexistent/chromium"));
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = WebFixture.Address(web) };
        var session = await WebAuthTests.SignInAsync(http, WebFixture.Viewer);
        using var response = await http.SendAsync(ExportRequest(session, """{"views":["gas"]}"""));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("PDF export is off", problem.GetProperty("title").GetString());
        Assert.Contains("Ciro:Web:PdfExport:Enabled=false", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Without_the_anti_forgery_token_the_export_is_refused()
    {
        using var http = Client();
        await WebAuthTests.SignInAsync(http, WebFixture.Viewer);
        using var response = await http.PostAsJsonAsync("/api/export/pdf", new { views = new[] { "gas" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Missing or invalid anti-forgery token", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_print_ticket_signs_in_as_its_caller_once_and_then_is_refused()
    {
        var tickets = _web.Services.GetRequiredService<PrintTickets>();
        var ticket = await tickets.IssueAsync(AuthExtensions.Principal(WebFixture.Viewer.Name, Roles.Viewer), TimeSpan.FromMinutes(1));
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = WebFixture.Address(_web) };

        using var first = await browser.GetAsync($"/auth/print?ticket={ticket}&views=gas,timing&period=7d&next=//evil.example");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        // Only the print page, with only the print page's own parameters.
        Assert.Equal("/print?views=gas,timing&period=7d", Uri.UnescapeDataString(first.Headers.Location!.OriginalString));
        var session = await browser.GetFromJsonAsync<SessionInfo>("/auth/session");
        Assert.Equal((WebFixture.Viewer.Name, Roles.Viewer), (session!.UserName, session.Role));

        using var again = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = WebFixture.Address(_web) };
        using var second = await again.GetAsync($"/auth/print?ticket={ticket}&views=gas");
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal("Print ticket refused", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.GetAsync("/auth/session")).StatusCode);
        using var forged = await again.GetAsync("/auth/print?ticket=" + new string('A', 43) + "&views=gas");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task A_ticket_keeps_an_operator_an_operator_and_a_viewer_a_viewer()
    {
        var tickets = _web.Services.GetRequiredService<PrintTickets>();
        foreach (var user in new[] { WebFixture.Viewer, WebFixture.Operator })
        {
            var ticket = await tickets.IssueAsync(
                new ClaimsPrincipal(AuthExtensions.Principal(user.Name, user.Role)), TimeSpan.FromMinutes(1));
            var identity = await tickets.RedeemAsync(ticket);
            Assert.Equal(new PrintIdentity(user.Name, user.Role, null), identity);
            Assert.Null(await tickets.RedeemAsync(ticket));
        }
    }

    [Fact]
    public async Task A_viewer_gets_a_pdf_with_a_cover_and_one_section_per_view_printed_as_the_viewer()
    {
        Assert.True(File.Exists(Path.Combine(TestData.RepoRoot, "src", "Ciro.Web", "wwwroot", "index.html")),
            "the dashboard is not built (scripts/setup.sh runs npm run build)");
        using var http = Client();
        var session = await WebAuthTests.SignInAsync(http, WebFixture.Viewer);
        var before = fixture.Calls.Count;
        using var response = await http.SendAsync(ExportRequest(session,
            """{"views":["overview","alerts"],"from":"2026-11-01T00:00:00Z","to":"2026-11-08T00:00:00Z"}"""));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ciro-overview-alerts-2026-11-01_2026-11-08.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        // Kept as a test artifact beside the screenshots, to look at.
        Directory.CreateDirectory(Path.Combine(TestData.RepoRoot, "TestResults", "pdf"));
        await File.WriteAllBytesAsync(Path.Combine(TestData.RepoRoot, "TestResults", "pdf", "viewer-overview-alerts.pdf"), pdf);
        var text = await PdfText.ReadAsync(pdf);
        var pages = PdfText.Pages(text);
        Assert.True(pages.Length == 3, $"expected a cover and two one-page sections, got {pages.Length} pages:\n{text}");
        Assert.Contains("Performance report", pages[0]);
        Assert.Contains("2026-11-01 00:00 → 2026-11-08 00:00 UTC", pages[0]);
        Assert.Contains($"for {WebFixture.Viewer.Name} (viewer)", pages[0]);
        Assert.Contains("Network health", pages[1]);
        Assert.Contains("Alerts", pages[2]);
        // Printed after the data arrived: the stand-in alerts backend's figures, not a loading placeholder.
        Assert.Contains("1 open", pages[2]);
        Assert.Contains("10 min 0 s", pages[2]);
        for (var i = 0; i < pages.Length; i++)
        {
            Assert.Contains($"Page {i + 1} of {pages.Length}", pages[i]);
        }
        // The browser read the data as the viewer: the viewer key and her name, never the operator key.
        var calls = fixture.Calls.Skip(before).Where(c => c.User is not null).ToList();
        Assert.Contains(calls, c => c.PathAndQuery.StartsWith("/api/kpi/network?", StringComparison.Ordinal) && c.PathAndQuery.Contains("from=2026-11-01"));
        Assert.All(calls, c => Assert.Equal((WebFixture.ViewerKey, WebFixture.Viewer.Name), (c.ApiKey, c.User)));
    }

    private HttpClient Client() => new(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = WebFixture.Address(_web) };

    private static HttpRequestMessage ExportRequest(SessionInfo session, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/export/pdf") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add(AuthExtensions.AntiforgeryHeader, session.AntiforgeryToken);
        return request;
    }
}
