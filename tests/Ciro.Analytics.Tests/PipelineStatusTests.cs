using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Ciro.Analytics.Tests;

/// <summary>GET /api/pipeline/status: the indexer's recorded state and the newest block's age on the wall clock.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class PipelineStatusTests(AnalyticsFixture fixture)
{
    [Fact]
    public async Task Reports_the_halted_indexer_with_its_reason_and_the_newest_block_age()
    {
        await using var db = await fixture.NewDatabaseAsync();
        // Block 6 is at T0 + 1 h 10 s; the clock reads 95 s later.
        var now = KnownChain.T0.AddHours(1).AddSeconds(10 + 95);
        await using var app = fixture.App(db).WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new FixedClock(now))));
        var http = app.CreateClient();

        var empty = await GetAsync(http);
        Assert.Equal("unknown", empty.GetProperty("indexerState").GetString());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("newestBlock").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("newestBlockAgeSeconds").ValueKind);

        await KnownChain.InsertAsync(db, KnownChain.Standard().Blocks);
        await using (var command = db.CreateCommand("""
            insert into ciro.indexer_status (cursor_name, state, reason, since) values
              ('main', 'halted', 'Reorg deeper than Indexer:MaxReorgDepth = 64', '2026-03-02T11:00:30Z'),
              ('second', 'indexing', null, '2026-03-02T11:00:40Z')
            """))
        {
            await command.ExecuteNonQueryAsync();
        }

        var status = await GetAsync(http);
        Assert.Equal("halted", status.GetProperty("indexerState").GetString()); // the halted cursor outranks the newer healthy one
        Assert.Equal("Reorg deeper than Indexer:MaxReorgDepth = 64", status.GetProperty("reason").GetString());
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 0, 30, TimeSpan.Zero), status.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(6, status.GetProperty("newestBlock").GetInt64());
        Assert.Equal(KnownChain.T0.AddHours(1).AddSeconds(10), status.GetProperty("newestBlockTime").GetDateTimeOffset());
        Assert.Equal(95.0, status.GetProperty("newestBlockAgeSeconds").GetDouble());
        Assert.Equal(now, status.GetProperty("checkedAt").GetDateTimeOffset());
    }

    private static async Task<JsonElement> GetAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/api/pipeline/status");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
