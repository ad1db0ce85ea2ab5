using Npgsql;

namespace Ciro.Alerts.Tests;

/// <summary>"pipeline-stalled": the indexer's halt (read through analytics' /api/pipeline/status) or an old newest
/// block opens one critical incident with the reason, emailed to a real SMTP server; it resolves when data flows.</summary>
[Collection(AlertsCollection.Name)]
public sealed class PipelineStalledRuleTests(AlertsFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly (string, string) On = ("Alerts:PipelineStalled:Enabled", "true");

    [Fact]
    public async Task A_halted_indexer_opens_one_critical_incident_with_its_reason_and_resolves_when_it_indexes_again()
    {
        // A fresh block: only the halt is wrong.
        await using var database = await fixture.NewDatabaseAsync([KnownChain.WithEvents(1, DateTimeOffset.UtcNow, "JobCompleted")]);
        const string reason = "Reorg deeper than Indexer:MaxReorgDepth = 64: the node's blocks 36..100 all differ from the stored ones.";
        await ExecuteAsync(database, "insert into ciro.indexer_status (cursor_name, state, reason, since) values ('main', 'halted', $1, '2026-11-30T10:00:00Z')", reason);

        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(), On);
        _ = alerts.Server;

        var firing = await smtp.WaitForAsync(m => m.Subject?.Contains("FIRING") == true, Wait);
        Assert.Contains("pipeline-stalled", firing.Subject);
        Assert.Contains("[CRITICAL]", firing.Subject);
        Assert.Contains("Indexer halted since 2026-11-30 10:00:00Z: " + reason, firing.TextBody!);
        await Task.Delay(TimeSpan.FromSeconds(3)); // more evaluations, same episode
        Assert.Single(smtp.Messages);

        await ExecuteAsync(database, "update ciro.indexer_status set state = 'indexing', reason = null, since = now()");
        var resolved = await smtp.WaitForAsync(m => m.Subject?.StartsWith("[RESOLVED]", StringComparison.Ordinal) == true, Wait);
        Assert.Contains("pipeline-stalled", resolved.Subject);
        Assert.Equal(0L, await ScalarAsync(database, "select count(*) from alerts.incidents where state = 'firing'"));
        Assert.Equal(1L, await ScalarAsync(database, "select count(*) from alerts.incidents where rule = 'pipeline-stalled'"));
    }

    [Fact]
    public async Task A_newest_block_older_than_the_limit_is_an_incident_even_without_word_from_the_indexer()
    {
        await using var database = await fixture.NewDatabaseAsync([KnownChain.WithEvents(7, DateTimeOffset.UtcNow.AddMinutes(-12), "JobCompleted")]);

        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(), On, ("Alerts:PipelineStalled:MaxBlockAge", "00:10:00"));
        _ = alerts.Server;

        var firing = await smtp.WaitForAsync(m => m.Subject?.Contains("FIRING") == true, Wait);
        Assert.Contains("pipeline-stalled", firing.Subject);
        Assert.Matches(@"No new block indexed for 12\.\d min \(limit 10\.0 min\): the newest is block 7 of .*; the indexer last reported 'unknown'\.", firing.TextBody!);

        await KnownChain.InsertAsync(database, [KnownChain.WithEvents(8, DateTimeOffset.UtcNow, "JobCompleted")]);
        var resolved = await smtp.WaitForAsync(m => m.Subject?.StartsWith("[RESOLVED]", StringComparison.Ordinal) == true, Wait);
        Assert.Contains("pipeline-stalled", resolved.Subject);
    }

    private static async Task ExecuteAsync(NpgsqlDataSource database, string sql, params object[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
