using System.Net;
using System.Text.Json;
using Ciro.Analytics.Queries;

namespace Ciro.Analytics.Tests;

/// <summary>The raw jobs page follows a job submitted in the range for lifecycle events up to
/// <see cref="JobKpis.LifecycleHorizon"/> after the range end, and no further (issue 15: every scan has an upper
/// time bound). The horizon is half-open like the range: an event at exactly range end + 7 days is outside it.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class JobLifecycleHorizonTests(AnalyticsFixture fixture)
{
    private static readonly DateTimeOffset From = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddDays(1);

    [Fact]
    public async Task A_completion_within_the_horizon_is_shown_and_one_at_or_after_it_is_not()
    {
        Assert.Equal(TimeSpan.FromDays(7), JobKpis.LifecycleHorizon);
        var horizonEnd = To + JobKpis.LifecycleHorizon; // 2026-03-10T00:00:00Z
        // Job 1 submitted 10:00 and completed one second before the horizon ends; job 2 submitted 11:00 and
        // completed exactly when it ends. Both were submitted in the range [03-02, 03-03).
        var submitted1 = From.AddHours(10);
        var submitted2 = From.AddHours(11);
        var completed1 = horizonEnd.AddSeconds(-1);
        await using var db = await fixture.NewDatabaseAsync(
        [
            JobEvent(1, submitted1, "JobSubmitted", """{"job_id":"1","client":"0xc1","payment":"100"}"""),
            JobEvent(2, submitted2, "JobSubmitted", """{"job_id":"2","client":"0xc2","payment":"200"}"""),
            JobEvent(3, completed1, "JobCompleted", $$"""{"job_id":"1","worker":"{{KnownChain.W1}}"}"""),
            JobEvent(4, horizonEnd, "JobCompleted", $$"""{"job_id":"2","worker":"{{KnownChain.W2}}"}"""),
        ]);
        // No Redis cache: another test's answer to the same URL must not be read back.
        await using var app = fixture.App(db, ("Ciro:Analytics:CacheSeconds", "0"));
        var url = $"/api/kpi/timing/jobs?from={From:yyyy-MM-ddTHH:mm:ssZ}&to={To:yyyy-MM-ddTHH:mm:ssZ}&bucket=raw";
        var response = await app.CreateClient().GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        var page = JsonDocument.Parse(body).RootElement;
        Assert.Equal(2, page.GetProperty("totalCount").GetInt64());
        var jobs = page.GetProperty("items").EnumerateArray().ToArray();

        // Newest submission first.
        Assert.Equal(["2", "1"], jobs.Select(j => j.GetProperty("jobId").GetString()!).ToArray());
        var job2 = jobs[0];
        Assert.Equal(submitted2, job2.GetProperty("submittedAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, job2.GetProperty("completedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, job2.GetProperty("submittedToCompletedSeconds").ValueKind);
        var job1 = jobs[1];
        Assert.Equal(submitted1, job1.GetProperty("submittedAt").GetDateTimeOffset());
        Assert.Equal(completed1, job1.GetProperty("completedAt").GetDateTimeOffset());
        // 7 days + 14 hours − 1 s = 604,800 + 50,400 − 1.
        Assert.Equal(655_199.0, job1.GetProperty("submittedToCompletedSeconds").GetDouble());
    }

    /// <summary>A block whose one transaction emits one CIRO job event with this decoded payload.</summary>
    private static KnownChain.Block JobEvent(long number, DateTimeOffset time, string name, string decodedJson) =>
        new(number, time, [new KnownChain.Tx(KnownChain.Operator, [new KnownChain.Call(KnownChain.JobManager, "emit")], 1000, 100,
            Events: [new KnownChain.Event(KnownChain.JobManager, name, decodedJson)])]);
}
