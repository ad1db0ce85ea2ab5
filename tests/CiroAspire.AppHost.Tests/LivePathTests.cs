using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Ciro.Messages;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>chain simulator → indexer → PostgreSQL → analytics API → web (SignalR push).</summary>
[Collection(StackCollection.Name)]
public sealed class LivePathTests(StackFixture stack, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_service_answers_its_health_endpoint()
    {
        output.WriteLine($"stack healthy after {stack.StartupTime.TotalSeconds:F1} s");
        foreach (var service in new[] { "chain", "indexer", "analytics", "alerts", "web" })
        {
            using var http = stack.App.CreateHttpClient(service);
            using var response = await http.GetAsync("/health");
            Assert.True(response.IsSuccessStatusCode, $"{service} /health answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Each_service_is_connected_to_the_database_as_its_own_role()
    {
        await using var connection = new NpgsqlConnection(await stack.App.GetConnectionStringAsync("ciro"));
        await connection.OpenAsync();
        await using var sessions = new NpgsqlCommand("""
            select array_agg(distinct a.usename::text order by a.usename::text), bool_or(r.rolsuper)
            from pg_stat_activity a join pg_roles r on r.rolname = a.usename
            where a.datname = current_database() and a.usename like 'ciro\_%'
            """, connection);
        await using var reader = await sessions.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        // The indexer follows the chain, analytics listens for commits, alerts' dispatcher polls its outbox: each
        // holds sessions as its role, none of which is a superuser.
        Assert.Equal(["ciro_alerts", "ciro_analytics", "ciro_indexer"], reader.GetFieldValue<string[]>(0));
        Assert.False(reader.GetBoolean(1));
    }

    [Fact]
    public async Task Ciro_jobs_from_the_chain_are_visible_through_the_analytics_api()
    {
        using var http = await stack.AnalyticsAsAdminAsync();
        var deadline = DateTime.UtcNow + Bound;
        long submitted = 0;
        while (DateTime.UtcNow < deadline && submitted == 0)
        {
            using var response = await http.GetAsync("/api/activity/jobs?minutes=60");
            if (response.IsSuccessStatusCode)
            {
                using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                submitted = document.RootElement.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("submitted").GetInt64());
            }
            if (submitted == 0)
            {
                await Task.Delay(500);
            }
        }
        Assert.True(submitted > 0, $"no JobSubmitted counted by analytics within {Bound}");

        var latest = await http.GetFromJsonAsync<JsonElement>("/api/blocks/latest");
        var number = latest.GetProperty("blockNumber").GetInt64();
        using var chain = await OwnStack.ChainAdminClientAsync(stack.App);
        var canonical = await chain.GetFromJsonAsync<JsonElement>($"/admin/blocks/{number}");
        Assert.Equal(canonical.GetProperty("hash").GetString(), latest.GetProperty("blockHash").GetString());
    }

    [Fact]
    public async Task The_analytics_api_needs_a_key_and_the_dashboard_a_session()
    {
        using var anonymous = stack.App.CreateHttpClient("analytics");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/blocks/latest")).StatusCode);
        using var admin = await stack.AnalyticsAsAdminAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.GetAsync("/api/admin/keys")).StatusCode);

        // Signed out, the web tier forwards nothing, whatever key the caller brings.
        using var signedOut = stack.App.CreateHttpClient("web");
        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/api/blocks/latest");
        withKey.Headers.Add("X-Api-Key", await AdminKeyAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await signedOut.SendAsync(withKey)).StatusCode);

        // Signed in, reads go through with the web tier's own keys (analytics accepts them); admin routes are not proxied.
        using var session = await stack.WebAsAdminAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await session.Http.GetAsync("/api/blocks/latest")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await session.Http.GetAsync("/api/admin/keys")).StatusCode);
    }

    private async Task<string> AdminKeyAsync()
    {
        using var admin = await stack.AnalyticsAsAdminAsync();
        return admin.DefaultRequestHeaders.GetValues("X-Api-Key").Single();
    }

    [Fact]
    public async Task The_dashboard_hub_pushes_jobs_activity_without_polling()
    {
        var web = stack.App.GetEndpoint("web", "http");
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocks = new TaskCompletionSource<BlocksCommitted>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var session = await stack.WebAsAdminAsync();
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(web, "/hubs/activity"), o => o.Cookies = session.Cookies)
            .AddJsonProtocol(o => MessageSerializer.UseIn(o.PayloadSerializerOptions))
            .Build();
        connection.On<JsonElement>("jobsActivity", payload => received.TrySetResult(payload));
        connection.On<BlocksCommitted>(MessageChannels.Blocks.HubMethod, payload => blocks.TrySetResult(payload));
        await connection.StartAsync();

        var committed = await blocks.Task.WaitAsync(Bound);
        Assert.True(committed.To >= committed.From, $"blocks committed {committed.From}..{committed.To}");
        Assert.True(committed.HeadTime > DateTimeOffset.UnixEpoch, $"head time {committed.HeadTime:O}");
        var activity = await received.Task.WaitAsync(Bound);
        Assert.True(activity.GetProperty("asOfBlock").GetInt64() >= 0);
        Assert.True(activity.GetProperty("buckets").GetArrayLength() > 0, "pushed activity has no minute buckets");
    }

    [Fact]
    public async Task The_dashboard_serves_the_app_and_proxies_the_api()
    {
        using var session = await stack.WebAsAdminAsync();
        var http = session.Http;
        var page = await http.GetStringAsync("/");
        Assert.Contains("<div id=\"root\"", page);
        using var problem = await http.GetAsync("/api/activity/jobs?minutes=-5");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        Assert.Contains("minutes", await problem.Content.ReadAsStringAsync());
    }
}
