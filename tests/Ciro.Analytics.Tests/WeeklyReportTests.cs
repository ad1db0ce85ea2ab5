using System.Net;
using System.Net.Http.Json;
using Ciro.Analytics.Reports;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Ciro.Testing.KnownChain;

namespace Ciro.Analytics.Tests;

/// <summary>The weekly report on its Quartz schedule (jobs in PostgreSQL), on a known chain of two weeks: the week of
/// 2026-03-02 is <see cref="KnownChain.Standard"/>, the week of 2026-03-09 is <see cref="ThisWeek"/>, with incidents
/// in both. Each number asserted below is worked out by hand in the comments.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class WeeklyReportTests(AnalyticsFixture fixture)
{
    /// <summary>The hand-worked chain is dated 2026-03; the tests move it, whole weeks at a time, to about a year
    /// ahead of the real clock. Quartz computes a new cron trigger's first fire from no earlier than the system clock
    /// (its scheduler clock is ours, its new triggers' is not), so a test's scheduled day must lie ahead of the real one.</summary>
    private static readonly TimeSpan Shift =
        Rollups.Buckets.Floor(DateTimeOffset.UtcNow, Rollups.Buckets.Week).AddDays(7 * 56) - new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The Monday after the reported week (2026-03-16 before the shift).</summary>
    private static readonly DateTimeOffset Monday = new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero) + Shift;

    private static readonly DateTimeOffset WeekStart = Monday.AddDays(-7);

    private static readonly string Week = new ReportPeriod(WeekStart, Monday).Name;

    private static string Title => $"Ciro weekly report {Week} ({WeekStart:yyyy-MM-dd} – {Monday.AddDays(-1):yyyy-MM-dd})";

    private static List<Block> Shifted(IEnumerable<Block> blocks) => [.. blocks.Select(b => b with { Time = b.Time + Shift })];
    private const string Recipient = "governance@example.org";

    /// <summary>
    /// 2026-03-10. Jobs 3 (W1: assigned 10:00:04, completed 10:10:04 = 600 s) and 4 (W3: 10:20:00 → 10:40:00 = 1200 s);
    /// W2 sends one reverted submit_job_result. 7 transactions, 36,000 L2 gas. submit_job_result (single): 3 tx,
    /// 8000 + 9000 + 8000 = 25,000 (previous week 700 + 5000 + 5000 = 10,700 in 3 tx: +133.6%, per call 8,333.33 vs
    /// 3,566.67); assign_job_to_worker 2 × 4000 = 8,000 both weeks (steady); transfer 1 tx 2,000 (previous 2 tx 4,000:
    /// calls −50.0%); submit_ai_job 1,000 both weeks.
    /// </summary>
    private static List<Block> ThisWeek()
    {
        var day = new DateTimeOffset(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);
        return
        [
            new Block(7, day, [
                new Tx(W1, [new Call(JobManager, "submit_ai_job")], 1000, 5000,
                    Events: [new Event(JobManager, "JobSubmitted", $$"""{"job_id":"3","client":"{{Client}}","payment":"100"}""")]),
                new Tx(C2, [new Call(Token, "transfer")], 2000, 300, "WEI"),
            ]),
            new Block(8, day.AddSeconds(4), [
                new Tx(Operator, [new Call(JobManager, "assign_job_to_worker")], 4000, 7000,
                    Events: [new Event(JobManager, "JobAssigned", $$"""{"job_id":"3","worker":"{{W1}}"}""")]),
            ]),
            new Block(9, day.AddSeconds(604), [
                new Tx(W1, [new Call(JobManager, "submit_job_result")], 8000, 8000,
                    Events: [new Event(JobManager, "JobCompleted", $$"""{"job_id":"3","worker":"{{W1}}"}""")]),
            ]),
            new Block(10, day.AddMinutes(20), [
                new Tx(Operator, [new Call(JobManager, "assign_job_to_worker")], 4000, 7000,
                    Events: [new Event(JobManager, "JobAssigned", $$"""{"job_id":"4","worker":"{{W3}}"}""")]),
                new Tx(W2, [new Call(JobManager, "submit_job_result")], 9000, 9000, Reverted: true),
            ]),
            new Block(11, day.AddMinutes(40), [
                new Tx(W3, [new Call(JobManager, "submit_job_result")], 8000, 8000,
                    Events: [new Event(JobManager, "JobCompleted", $$"""{"job_id":"4","worker":"{{W3}}"}""")]),
            ]),
        ];
    }

    /// <summary>This week: 3 incidents, 2 acknowledged after 300 s and 900 s (MTTA 600 s = 10 min 00 s) and resolved after
    /// 1200 s and 3600 s (MTTR 2400 s = 40 min 00 s), one still firing. The week before: one, acknowledged after 60 s and
    /// resolved after 120 s.</summary>
    private static async Task InsertIncidentsAsync(NpgsqlDataSource db)
    {
        (string Rule, string Severity, DateTimeOffset Start, int? Ack, int? Resolve)[] incidents =
        [
            ("gas-spike-submit-job-result", "critical", new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero), 300, 1200),
            ("slow-job-execution", "warning", new(2026, 3, 11, 8, 0, 0, TimeSpan.Zero), 900, 3600),
            ("worker-success-rate", "warning", new(2026, 3, 12, 9, 0, 0, TimeSpan.Zero), null, null),
            ("network-congestion-l2-gas", "warning", new(2026, 3, 3, 9, 0, 0, TimeSpan.Zero), 60, 120),
        ];
        foreach (var (rule, severity, start, ack, resolve) in incidents)
        {
            await using var command = db.CreateCommand("""
                insert into alerts.incidents (id, rule, severity, state, summary, started_at, acknowledged_at, acknowledged_by, resolved_at, dedup_key)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """);
            command.Parameters.AddWithValue(Guid.NewGuid());
            command.Parameters.AddWithValue(rule);
            command.Parameters.AddWithValue(severity);
            command.Parameters.AddWithValue(resolve is null ? "firing" : "resolved");
            command.Parameters.AddWithValue($"{rule} breached");
            command.Parameters.AddWithValue(start + Shift);
            command.Parameters.AddWithValue(ack is { } a ? start.AddSeconds(a) + Shift : DBNull.Value);
            command.Parameters.AddWithValue(ack is null ? DBNull.Value : "alice");
            command.Parameters.AddWithValue(resolve is { } r ? start.AddSeconds(r) + Shift : DBNull.Value);
            command.Parameters.AddWithValue(rule + "{}");
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>This week: an open multicall finding, a storage-packing finding verified on Wednesday, and a dismissed
    /// event-keys finding (left out of the report).</summary>
    private static async Task InsertRecommendationsAsync(NpgsqlDataSource db)
    {
        (string Key, string Rule, string Title, long L2, long L1, decimal FeeFri, string Confidence, string Status, int? StatusDay)[] findings =
        [
            ("multicall:w1", "multicall", "Merge worker calls into multicalls", 1_360_800_000, 387_072, 2_500_000_000_000_000_000m, "high", "new", null),
            ("storage-packing:ledger", "storage-packing", "Pack ledger slots", 181_440_000, 193_536, 750_000_000_000_000_000m, "medium", "verified", 2),
            ("event-keys:lab", "event-keys", "Keep event fields as data", 10_321_920, 0, 10_000_000_000_000_000m, "high", "dismissed", 1),
        ];
        foreach (var f in findings)
        {
            await using var command = db.CreateCommand("""
                insert into ciro.recommendations (key, rule, target, title, evidence, samples, weekly_l2_gas, weekly_l1_data_gas, weekly_fee_fri,
                    formula, confidence, status, status_at, window_from, window_to, first_seen, last_seen)
                values ($1, $2, '{}', $3, '{}', '{}', $4, $5, $6, 'truth', $7, $8, $9, $10, $11, $10, $11)
                """);
            command.Parameters.AddWithValue(f.Key);
            command.Parameters.AddWithValue(f.Rule);
            command.Parameters.AddWithValue(f.Title);
            command.Parameters.AddWithValue(f.L2);
            command.Parameters.AddWithValue(f.L1);
            command.Parameters.AddWithValue(f.FeeFri);
            command.Parameters.AddWithValue(f.Confidence);
            command.Parameters.AddWithValue(f.Status);
            command.Parameters.AddWithValue(f.StatusDay is { } d ? WeekStart.AddDays(d) : DBNull.Value);
            command.Parameters.AddWithValue(WeekStart.AddHours(1));
            command.Parameters.AddWithValue(WeekStart.AddDays(3));
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>This week: an A/B experiment of JobManager (A) against a second deployment (B, 0x112) on submit_job_result
    /// started on Monday (A: 3 calls, 1 reverted, 8,000 L2 gas each for the 2 that succeeded; B: none yet), one archived
    /// the week before (left out), and JobManager's class replaced at block 9 (too few calls for a before/after).</summary>
    private static async Task InsertExperimentsAsync(NpgsqlDataSource db)
    {
        foreach (var (name, start, archived) in new[] { ("cheaper results", WeekStart, (DateTimeOffset?)null), ("last week's test", WeekStart.AddDays(-7), WeekStart.AddDays(-1)) })
        {
            await using var command = db.CreateCommand("""
                insert into ciro.ab_experiments (name, variant_kind, control_variant, treatment_variant, entry_point, selector, metric, treatment_share,
                  alpha, minimum_effect, revert_rate_tolerance, planned_units_per_arm, start_time, status, created_by, stopped_at, archived_at)
                values ($1, 'contract', $2, $3, 'submit_job_result', $4, 'l2Gas', 0.5, 0.05, 0, 0.01, 1000, $5, $6, 'ops', $7, $7)
                """);
            command.Parameters.AddWithValue(name);
            command.Parameters.AddWithValue(Ciro.Starknet.Felt.Parse(KnownChain.JobManager).ToBytes());
            command.Parameters.AddWithValue(Ciro.Starknet.Felt.Parse("0x112").ToBytes());
            command.Parameters.AddWithValue(Ciro.Starknet.Selector.FromName("submit_job_result").ToBytes());
            command.Parameters.AddWithValue(start);
            command.Parameters.AddWithValue(archived is null ? "running" : "archived");
            command.Parameters.AddWithValue(archived is { } a ? a : DBNull.Value);
            await command.ExecuteNonQueryAsync();
        }
        await using var upgrade = db.CreateCommand("insert into ciro.contract_classes values (9, $1, $2, $3, 'replaced')");
        upgrade.Parameters.AddWithValue(new DateTimeOffset(2026, 3, 10, 10, 10, 4, TimeSpan.Zero) + Shift);
        upgrade.Parameters.AddWithValue(Ciro.Starknet.Felt.Parse(KnownChain.JobManager).ToBytes());
        upgrade.Parameters.AddWithValue(Ciro.Starknet.Felt.Parse("0xc1a55").ToBytes());
        await upgrade.ExecuteNonQueryAsync();
    }

    private WebApplicationFactory<Ciro.Analytics.Queries.AnalyticsQueries> Service(NpgsqlDataSource db, TimeProvider clock, string mail) =>
        fixture.App(db, ("ConnectionStrings:mail", mail), ("Ciro:Reports:To:0", Recipient), ("Ciro:Reports:MisfireThreshold", "00:00:05"))
            .WithWebHostBuilder(b => b.ConfigureTestServices(services => services.AddSingleton(clock)));

    [Fact]
    public async Task The_weekly_report_runs_on_schedule_with_every_section_in_its_pdf_and_arrives_by_email()
    {
        await using var smtp = await Smtp4DevServer.StartAsync();
        await using var db = await fixture.NewDatabaseAsync(Shifted([.. Standard().Blocks, .. ThisWeek()]));
        await InsertIncidentsAsync(db);
        await InsertRecommendationsAsync(db);
        await InsertExperimentsAsync(db);

        // Three seconds before the default schedule (Mondays 06:00 UTC) fires for the week of 2026-03-09.
        await using (var app = Service(db, new ShiftedClock(Monday.AddHours(6).AddSeconds(-3)), smtp.ConnectionString))
        {
            _ = app.Services;
            Assert.Equal(1, await ReportTestKit.WaitForReportsAsync(db, 1, TimeSpan.FromSeconds(120)));

            using var client = app.CreateClient();
            var list = await (await client.GetAsync("/api/reports")).ReadAsync<List<ReportSummary>>();
            var report = Assert.Single(list);
            Assert.Equal(Week, report.Name);
            Assert.Equal(WeekStart, report.PeriodStart);
            Assert.Equal(Monday.AddHours(6), report.ScheduledFor);

            var pdfResponse = await client.GetAsync($"/api/reports/{report.Id}/pdf");
            Assert.Equal("application/pdf", pdfResponse.Content.Headers.ContentType?.MediaType);
            var pdf = await pdfResponse.Content.ReadAsByteArrayAsync();
            Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5));
            var text = await ReportTestKit.PdfTextAsync(pdf);
            File.WriteAllBytes(Path.Combine(Path.GetTempPath(), "ciro-weekly-report-test.pdf"), pdf);

            Assert.Contains(Title, text);
            // 1. KPIs: 7 tx vs 12 (−41.7%), 36,000 L2 gas vs 44,200 (−18.6%), assigned→completed mean 900 s vs 1,799 s (−50.0%).
            Assert.Contains("1. KPIs, week over week", text);
            Assert.Matches(@"Transactions \(tx\)\s+7\s+12\s+-41\.7%", text);
            Assert.Matches(@"L2 gas used \(gas\)\s+36,000\s+44,200\s+-18\.6%", text);
            Assert.Matches(@"Assigned to completed, mean \(s\)\s+900\s+1,799\s+-50\.0%", text);
            Assert.Matches(@"Jobs completed \(jobs\)\s+2\s+2\s+\+0\.0%", text);
            // 2. Top gas consumers: submit_job_result first with 25,000 (+133.6%), and what changed.
            Assert.Contains("2. Top gas consumers (L2 gas) and what changed", text);
            Assert.Matches(@"1\s+0x111\s+submit_job_result\s+single\s+3\s+25,000\s+69\.4%\s+10,700\s+\+133\.6%\s+8,333\.33\s+3,566\.67\s+gas per", text);
            Assert.Matches(@"2\s+0x111\s+assign_job_to_worker\s+single\s+2\s+8,000\s+22\.2%\s+8,000\s+\+0\.0%\s+4,000\s+4,000\s+steady", text);
            Assert.Matches(@"3\s+0x333\s+transfer\s+single\s+1\s+2,000\s+5\.6%\s+4,000\s+-50\.0%\s+2,000\s+2,000\s+calls", text);
            // 3. Incidents: 3 opened (1 the week before), MTTA 10 min 00 s (1 min 00 s), MTTR 40 min 00 s (2 min 00 s).
            Assert.Contains("3. Incidents, MTTA and MTTR", text);
            Assert.Matches(@"Incidents opened\s+3\s+1", text);
            Assert.Matches(@"Still open\s+1", text);
            Assert.Matches(@"MTTA \(mean time to acknowledge\)\s+10 min 00 s\s+1 min 00 s", text);
            Assert.Matches(@"MTTR \(mean time to resolve\)\s+40 min 00 s\s+2 min 00 s", text);
            Assert.Contains("By severity: critical 1, warning 2.", text);
            Assert.Matches($@"gas-spike-submit-job-result\s+critical\s+resolved\s+{WeekStart.AddDays(1):yyyy-MM-dd} 12:00\s+5 min 00 s\s+20 min 00 s", text);
            // 4: (titles and rules wrap in their columns) the open recommendation (largest saving first) and the one verified this week; not the dismissed one.
            Assert.Contains("4. Recommendations and savings verified", text);
            Assert.Matches(@"Merge worker calls into\s+multicall\s+new\s+1,360,800,000\s+387,072\s+2\.5000\s+high", text);
            Assert.Matches(@"Pack ledger slots\s+storage-\s+verified\s+181,440,000\s+193,536\s+0\.7500\s+medium", text);
            Assert.DoesNotContain("Keep event fields as data", text);
            // 5: the running A/B experiment (A: 3 calls, mean 8,000; B: none, so fewer than 50 units in an arm) and the upgrade of
            // 0x111 at block 9 (too few calls for a before/after); not the experiment archived the week before.
            Assert.Contains("5. Experiment results", text);
            Assert.Matches(@"A/B: cheaper\s+running\s+submit_job_result\s+A 3 calls, mean 8,000; B 0 calls, mean 0; B − A\s+ok\s+ok\s+Continue: fewer than 50", text);
            Assert.Matches(@"Upgrade: 0x111 at\s+running\s+Sierra \? → \?\s+not enough calls: no function has 30 successful", text);
            Assert.DoesNotContain("last week's test", text);
            // 6. Leaderboard: W1 and W3 one completed job each, 100% (rank 1, tied); W2 one failed, 0% (rank 3).
            Assert.Contains("6. Worker leaderboard", text);
            Assert.Matches(@"1\s+0xa1\s+1\s+1\s+0\s+100\.0%", text);
            Assert.Matches(@"1\s+0xa3\s+1\s+1\s+0\s+100\.0%", text);
            Assert.Matches(@"3\s+0xa2\s+0\s+0\s+1\s+0\.0%", text);

            var csv = await client.GetStringAsync($"/api/reports/{report.Id}/csv");
            Assert.Contains("# Top gas consumers", csv);
            Assert.Contains("1,0x111,submit_job_result,single,3,25000,", csv);
            var json = await (await client.GetAsync($"/api/reports/{report.Id}/json")).ReadAsync<WeeklyReport>();
            Assert.Equal(600, json.Incidents.MeanTimeToAcknowledgeSeconds);
            Assert.Equal(2400, json.Incidents.MeanTimeToResolveSeconds);
            Assert.Equal(["gas per call +133.6%", "steady", "calls -50.0%", "steady"], json.GasConsumers.Select(g => g.WhatChanged));
            Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/reports/{report.Id}/docx")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/reports/{Guid.NewGuid()}/pdf")).StatusCode);

            // The email, read back from smtp4dev: one, to the configured recipient, with the three files attached.
            var messages = await smtp.WaitForAsync(1, TimeSpan.FromSeconds(60));
            var (id, subject, to) = Assert.Single(messages);
            Assert.Equal(Title, subject);
            Assert.Contains(Recipient, to);
            var email = await smtp.MessageAsync(id);
            Assert.Contains("Transactions: 7 tx (-41.7%)", email.TextBody);
            Assert.Contains("Incidents: 3, MTTA 10 min 00 s, MTTR 40 min 00 s.", email.TextBody);
            var attachments = email.Attachments.OfType<MimeKit.MimePart>().ToDictionary(a => a.FileName ?? "");
            Assert.Equal([$"ciro-weekly-{Week}.pdf", $"ciro-weekly-{Week}.csv", $"ciro-weekly-{Week}.json"], attachments.Keys);
            using var attached = new MemoryStream();
            await attachments[$"ciro-weekly-{Week}.pdf"].Content!.DecodeToAsync(attached);
            Assert.Equal(pdf, attached.ToArray());
            Assert.Matches(@"Transactions \(tx\)\s+7\s+12\s+-41\.7%", await ReportTestKit.PdfTextAsync(attached.ToArray()));
            var summary = await (await client.GetAsync($"/api/reports/{report.Id}")).ReadAsync<ReportSummary>();
            Assert.Equal([Recipient], summary.EmailedTo);
            Assert.NotNull(summary.EmailedAt);
        }
    }

    [Fact]
    public async Task Runs_missed_while_the_service_was_down_run_once_at_restart_and_never_twice()
    {
        await using var smtp = await Smtp4DevServer.StartAsync();
        await using var db = await fixture.NewDatabaseAsync();

        // Up on Monday 2026-03-16 at 05:00: the trigger is stored with its next fire at 06:00, then the service stops.
        await using (var app = Service(db, new ShiftedClock(Monday.AddHours(5)), smtp.ConnectionString))
        {
            _ = app.Services;
            Assert.Equal(Monday.AddHours(6), await NextFireAsync(db));
        }

        // Down for three weeks: the fires of 03-16, 03-23, 03-30 and 04-06 06:00 were missed. At restart (04-06 07:00)
        // the misfire runs once, for the last whole week (2026-03-30), and the trigger goes on to 04-13.
        var restart = Monday.AddDays(21).AddHours(7);
        await using (var app = Service(db, new ShiftedClock(restart), smtp.ConnectionString))
        {
            _ = app.Services;
            Assert.Equal(1, await ReportTestKit.WaitForReportsAsync(db, 1, TimeSpan.FromSeconds(120)));
            // Time for a second run to happen, were there one.
            Assert.Equal(1, await ReportTestKit.WaitForReportsAsync(db, 2, TimeSpan.FromSeconds(8)));
            using var client = app.CreateClient();
            var report = Assert.Single(await (await client.GetAsync("/api/reports")).ReadAsync<List<ReportSummary>>());
            Assert.Equal(Monday.AddDays(14), report.PeriodStart);
            Assert.Single(await smtp.WaitForAsync(1, TimeSpan.FromSeconds(60)));
            Assert.Equal(Monday.AddDays(28).AddHours(6), await NextFireAsync(db));
        }

        // Restarted again in the same week: nothing is due, nothing runs. Asking for the week again by hand finds it
        // archived: no second report, no second email.
        await using (var app = Service(db, new ShiftedClock(restart.AddMinutes(1)), smtp.ConnectionString))
        {
            _ = app.Services;
            Assert.Equal(1, await ReportTestKit.WaitForReportsAsync(db, 2, TimeSpan.FromSeconds(8)));
            var key = (await app.Services.GetRequiredService<Ciro.Auth.ApiKeyStore>().CreateAsync("report-operator", Ciro.Auth.Roles.Operator, default)).Key;
            using var client = app.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            var run = await (await client.PostAsJsonAsync("/api/reports/weekly", new { week = $"{Monday.AddDays(14):yyyy-MM-dd}" })).ReadAsync<ReportRun>();
            Assert.False(run.Generated);
            Assert.Equal(0, run.EmailsSent);
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/reports/weekly", new { week = "30/03/2026" })).StatusCode);
        }
        Assert.Equal(1, await ReportTestKit.WaitForReportsAsync(db, 2, TimeSpan.Zero));
        Assert.Single(await smtp.MessagesAsync());
    }

    [Fact]
    public async Task A_schedule_that_is_not_a_cron_expression_stops_the_service_naming_the_key()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db, ("Ciro:Reports:Schedule", "every monday"));
        var error = Assert.ThrowsAny<Exception>(() => app.Services);
        Assert.Contains("Ciro:Reports:Schedule = 'every monday' is not a Quartz cron expression", error.ToString());
    }

    /// <summary>The stored trigger's next fire (the scheduler starts in the background once the schema is current).</summary>
    private static async Task<DateTimeOffset?> NextFireAsync(NpgsqlDataSource db)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var command = db.CreateCommand("select next_fire_time from reports.qrtz_triggers where trigger_name = 'weekly-report-schedule'");
            if (await command.ExecuteScalarAsync() is long ticks)
            {
                return new DateTimeOffset(ticks, TimeSpan.Zero);
            }
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                return null;
            }
            await Task.Delay(200);
        }
    }
}
