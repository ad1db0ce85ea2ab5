using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Analytics.Anomalies;
using Ciro.Analytics.Rollups;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>GET /api/kpi/anomalies scores with the same detector as the offline command: a real series (Twitter
/// mentions of GOOG from the NAB copy in tests/TestData/anomaly, summed per hour) is written as one block per hour
/// whose transaction burns that many L2 gas; the endpoint's hourly network l2_gas scores, bands and episodes must
/// equal the detector's own on the same hourly values, and every episode carries its explanation.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class AnomalyApiTests(AnalyticsFixture fixture) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Ciro.Analytics.Queries.AnalyticsQueries> _app = null!;
    private HttpClient _http = null!;
    private SortedDictionary<DateTimeOffset, long> _hourly = null!;
    private DateTimeOffset _from, _to;

    public async Task InitializeAsync()
    {
        _hourly = new SortedDictionary<DateTimeOffset, long>();
        foreach (var line in TestData.Read("anomaly", "data", "realTweets", "Twitter_volume_GOOG.csv").Split('\n').Skip(1).Where(l => l.Length > 0))
        {
            var t = DateTimeOffset.ParseExact(line[..19], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var hour = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);
            _hourly[hour] = _hourly.GetValueOrDefault(hour) + long.Parse(line[20..], CultureInfo.InvariantCulture);
        }
        // The range is 14 days from the series' eighth day; the endpoint replays the 28 days before it (hours before
        // the first block are "no data" and leave the detector as it was).
        _hourly.Remove(_hourly.Keys.First()); // the first hour is partial
        var first = _hourly.Keys.First();
        _from = first.AddDays(7);
        _to = _from.AddDays(14);
        var blocks = _hourly.Where(h => h.Key >= first && h.Key < _to).Select((h, i) =>
            new KnownChain.Block(i + 1, h.Key.AddMinutes(30), [new KnownChain.Tx("0x111", [new KnownChain.Call("0xc1", "mention")], h.Value, 1000)]));
        _db = await fixture.NewDatabaseAsync(blocks);
        _app = fixture.App(_db);
        _http = _app.CreateClient();
        await _app.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Scores_bands_and_episodes_equal_the_detector_on_the_same_hourly_series()
    {
        var url = $"/api/kpi/anomalies?metric=l2_gas&from={_from:yyyy-MM-ddTHH:mm:ssZ}&to={_to:yyyy-MM-ddTHH:mm:ssZ}&pageSize=1000";
        var response = await _http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var rows = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToArray();

        // The detector fed directly: every hour from 28 days before the range, NaN ("no data") where no block fell.
        var detector = new StreamingDetector("network l2_gas");
        var direct = new List<AnomalyScore>();
        for (var hour = _from.AddDays(-28); hour < _to; hour = hour.AddHours(1))
        {
            var score = detector.Observe(hour, _hourly.TryGetValue(hour, out var v) ? v : double.NaN);
            if (hour >= _from)
            {
                direct.Add(score);
            }
        }
        Assert.Equal(14 * 24, rows.Length);
        Assert.Equal(direct.Count, rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            var (row, expected) = (rows[i], direct[i]);
            Assert.Equal(expected.Timestamp, row.GetProperty("hour").GetDateTimeOffset());
            Assert.Equal(Math.Round(expected.Score, 4), row.GetProperty("score").GetDouble());
            Assert.Equal(expected.EpisodeStart, row.GetProperty("episodeStart").GetBoolean());
            Assert.Equal(expected.Kind.ToString(), row.GetProperty("kind").GetString());
            Assert.Equal(expected.Baseline.ToString(), row.GetProperty("baseline").GetString());
            Assert.Equal(expected.Explanation, row.GetProperty("explanation").GetString());
            Assert.Equal(expected.Expected, Number(row, "expected"));
            Assert.Equal(expected.Lower, Number(row, "lower"));
            Assert.Equal(expected.Upper, Number(row, "upper"));
        }

        // The episodes in the range, each explained: observed, expected, band, baseline and kind of change.
        var episodes = rows.Where(r => r.GetProperty("episodeStart").GetBoolean()).ToList();
        Assert.Equal(EpisodeHours, episodes.Select(r => r.GetProperty("hour").GetDateTimeOffset().ToString("yyyy-MM-dd HH", CultureInfo.InvariantCulture)));
        foreach (var episode in episodes)
        {
            Assert.True(episode.GetProperty("score").GetDouble() >= 0.5);
            var explanation = episode.GetProperty("explanation").GetString()!;
            Assert.StartsWith($"network l2_gas: observed {episode.GetProperty("value").GetDouble():G6} at ", explanation);
            Assert.Contains($"expected {episode.GetProperty("expected").GetDouble():G6} (normal range ", explanation);
            Assert.Contains("baseline: ", explanation);
            Assert.NotEqual("None", episode.GetProperty("kind").GetString());
            Assert.True(episode.GetProperty("lower").GetDouble() < episode.GetProperty("upper").GetDouble());
        }
    }

    private static double? Number(JsonElement row, string name) =>
        row.GetProperty(name).ValueKind == JsonValueKind.Null ? null : row.GetProperty(name).GetDouble();

    /// <summary>Where the detector opens episodes on this stretch of GOOG mentions (hours, UTC): an hour with no
    /// mentions at all (expected about 124) and a burst of 2,430 (expected about 392).</summary>
    private static readonly string[] EpisodeHours = ["2015-03-11 07", "2015-03-13 20"];
}
