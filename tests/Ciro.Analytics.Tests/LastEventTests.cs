using System.Net.Http.Json;
using System.Text.Json;

namespace Ciro.Analytics.Tests;

/// <summary>GET /api/events/last (what the alert rules read) on <see cref="KnownChain.Standard"/>.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class LastEventTests(AnalyticsFixture fixture)
{
    [Fact]
    public async Task The_newest_event_of_a_name_comes_with_the_head_it_is_measured_against()
    {
        await using var db = await fixture.NewDatabaseAsync(KnownChain.Standard().Blocks);
        await using var app = fixture.App(db);

        var last = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/events/last?name=JobCompleted");

        // JobCompleted is in blocks 4 (job 1) and 5 (job 2, at 11:00:04); the head is block 6.
        Assert.Equal(5, last.GetProperty("blockNumber").GetInt64());
        Assert.Equal(KnownChain.T0.AddHours(1).AddSeconds(4), last.GetProperty("blockTime").GetDateTimeOffset());
        Assert.Equal(6, last.GetProperty("headBlock").GetInt64());
    }
}
