using System.Text.Json;
using Npgsql;

namespace Ciro.Analytics.Recommendations;

/// <summary>
/// One evaluation: runs every rule over a window (by default the week before the newest indexed block), scales
/// each finding's saving to a week, prices it at the window's mean gas prices, and records it under its stable key.
/// Lifecycle on each run: a finding seen again updates its evidence (its status stays); an accepted recommendation
/// whose rule ran and no longer fires while its target is still active becomes verified; a verified one that fires
/// again becomes regressed. Rules that could not run leave their recommendations as they are and are listed in the
/// run's "not evaluated".
/// </summary>
public sealed class RecommendationEngine(NpgsqlDataSource dataSource, RecommendationRules rules, TimeProvider clock, ILogger<RecommendationEngine> logger)
{
    private const double SecondsPerWeek = 7 * 24 * 3600;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<RecommendationRun> EvaluateAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var window = await WindowAsync(from, to, ct);
        var notEvaluated = new List<NotEvaluated>();
        if (window.Blocks < 2)
        {
            notEvaluated.Add(new("*", $"fewer than two blocks indexed in [{window.From:O}, {window.To:O})"));
            return await RecordRunAsync(window, 0, notEvaluated, ct);
        }
        var traces = await rules.HasTracesAsync(window.From, window.To, ct);
        var evaluated = new List<string> { RecommendationRules.EventKeys, RecommendationRules.Multicall, RecommendationRules.Reverts, RecommendationRules.ResourceBounds };
        var findings = new List<Finding>();
        findings.AddRange(await rules.EventKeysAsync(window.From, window.To, ct));
        findings.AddRange(await rules.MulticallAsync(window.From, window.To, traces, ct));
        findings.AddRange(await rules.RevertsAsync(window.From, window.To, ct));
        findings.AddRange(await rules.ResourceBoundsAsync(window.From, window.To, ct));
        if (traces)
        {
            findings.AddRange(await rules.StoragePackingAsync(window.From, window.To, ct));
            findings.AddRange(await rules.CalldataPackingAsync(window.From, window.To, ct));
            evaluated.AddRange([RecommendationRules.StoragePacking, RecommendationRules.CalldataPacking]);
        }
        else
        {
            const string why = "no call traces in this range (the node does not serve starknet_traceBlockTransactions, or Indexer:CallTraces is off)";
            notEvaluated.Add(new(RecommendationRules.StoragePacking, why + ": storage slots and their values per transaction are unknown"));
            notEvaluated.Add(new(RecommendationRules.CalldataPacking, why + ": calldata per call is unknown"));
            notEvaluated.Add(new(RecommendationRules.Multicall, why + ": the saving counts L1 data gas only, not the account overhead"));
        }
        if (!await rules.HasClassesAsync(ct))
        {
            notEvaluated.Add(new(RecommendationRules.OldSierra, "class information is not indexed (Indexer:TrackClasses is off, or the node does not serve starknet_getStateUpdate and starknet_getClass): classes billed by Cairo VM resources cannot be found"));
        }
        else if (!traces)
        {
            notEvaluated.Add(new(RecommendationRules.OldSierra, "no call traces in this range: the L2 gas of each call into a contract with an old class is unknown"));
        }
        else
        {
            findings.AddRange(await rules.OldSierraAsync(window.From, window.To, ct));
            evaluated.Add(RecommendationRules.OldSierra);
        }

        var scale = SecondsPerWeek / window.SpanSeconds;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var firing = new HashSet<string>();
        foreach (var f in findings)
        {
            firing.Add(f.Key);
            var weeklyL2 = f.WindowL2Gas * scale;
            var weeklyL1Data = f.WindowL1DataGas * scale;
            var weeklyFee = f.WindowFeeFri is { } fee
                ? fee * (decimal)scale
                : (decimal)weeklyL2 * window.L2PriceFri + (decimal)weeklyL1Data * window.L1DataPriceFri;
            var formula = $"{f.Formula}; × 604,800 s / {window.SpanSeconds:0} s of chain time in the window"
                + (f.WindowFeeFri is null ? $"; fee = L2 gas × {window.L2PriceFri:0} FRI + L1 data gas × {window.L1DataPriceFri:0} FRI (mean prices of the window)" : "");
            await using var upsert = new NpgsqlCommand("""
                insert into ciro.recommendations (key, rule, target, title, evidence, samples, weekly_l2_gas, weekly_l1_data_gas, weekly_fee_fri,
                  formula, confidence, window_from, window_to, first_seen, last_seen, firing)
                values ($1, $2, $3::jsonb, $4, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, true)
                on conflict (key) do update set title = excluded.title, evidence = excluded.evidence, samples = excluded.samples,
                  weekly_l2_gas = excluded.weekly_l2_gas, weekly_l1_data_gas = excluded.weekly_l1_data_gas, weekly_fee_fri = excluded.weekly_fee_fri,
                  formula = excluded.formula, confidence = excluded.confidence, window_from = excluded.window_from, window_to = excluded.window_to,
                  last_seen = excluded.last_seen, firing = true,
                  status = case when ciro.recommendations.status = 'verified' then 'regressed' else ciro.recommendations.status end,
                  status_reason = case when ciro.recommendations.status = 'verified' then 'the inefficiency is back in ' || excluded.window_from || ' .. ' || excluded.window_to
                                       else ciro.recommendations.status_reason end,
                  status_by = case when ciro.recommendations.status = 'verified' then 'evaluation' else ciro.recommendations.status_by end,
                  status_at = case when ciro.recommendations.status = 'verified' then excluded.last_seen else ciro.recommendations.status_at end
                """, connection, tx);
            upsert.Parameters.AddWithValue(f.Key);
            upsert.Parameters.AddWithValue(f.Rule);
            upsert.Parameters.AddWithValue(JsonSerializer.Serialize(f.Target, Json));
            upsert.Parameters.AddWithValue(f.Title);
            upsert.Parameters.AddWithValue(JsonSerializer.Serialize(f.Evidence, Json));
            upsert.Parameters.AddWithValue(f.Samples);
            upsert.Parameters.AddWithValue((long)Math.Round(weeklyL2));
            upsert.Parameters.AddWithValue((long)Math.Round(weeklyL1Data));
            upsert.Parameters.AddWithValue(Math.Round(weeklyFee));
            upsert.Parameters.AddWithValue(formula);
            upsert.Parameters.AddWithValue(f.Confidence);
            upsert.Parameters.AddWithValue(window.From);
            upsert.Parameters.AddWithValue(window.To);
            upsert.Parameters.AddWithValue(clock.GetUtcNow());
            await upsert.ExecuteNonQueryAsync(ct);
        }

        // Recommendations of rules that ran and did not fire: no longer firing; accepted ones are verified when their
        // target was still active in the window (no activity says nothing about the saving).
        await using (var quiet = new NpgsqlCommand("""
            update ciro.recommendations r set firing = false,
              status = case when r.status = 'accepted' and a.active then 'verified' else r.status end,
              status_reason = case when r.status = 'accepted' and a.active then 'not found in ' || $3 || ' .. ' || $4 || ' while the target was active' else r.status_reason end,
              status_by = case when r.status = 'accepted' and a.active then 'evaluation' else r.status_by end,
              status_at = case when r.status = 'accepted' and a.active then $5 else r.status_at end
            from (select r2.id, exists (
                    select 1 from ciro.tx_calls c where c.block_time >= $3 and c.block_time < $4
                      and c.contract = ciro.felt_bytes(r2.target->>'contract'))
                  or exists (
                    select 1 from ciro.transactions t where t.block_time >= $3 and t.block_time < $4
                      and t.sender = ciro.felt_bytes(r2.target->>'caller')) as active
                  from ciro.recommendations r2) a
            where a.id = r.id and r.rule = any($1) and not (r.key = any($2))
            """, connection, tx))
        {
            quiet.Parameters.AddWithValue(evaluated.ToArray());
            quiet.Parameters.AddWithValue(firing.ToArray());
            quiet.Parameters.AddWithValue(window.From);
            quiet.Parameters.AddWithValue(window.To);
            quiet.Parameters.AddWithValue(clock.GetUtcNow());
            await quiet.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        logger.LogInformation("Recommendations evaluated over {From:O} .. {To:O}: {Findings} findings, {NotEvaluated} rules not (fully) evaluated",
            window.From, window.To, findings.Count, notEvaluated.Count);
        return await RecordRunAsync(window, findings.Count, notEvaluated, ct);
    }

    private async Task<RecommendationRun> RecordRunAsync(Window window, int findings, List<NotEvaluated> notEvaluated, CancellationToken ct)
    {
        var run = new RecommendationRun(clock.GetUtcNow(), window.From, window.To, findings, notEvaluated);
        await using var command = dataSource.CreateCommand(
            "insert into ciro.recommendation_runs (ran_at, window_from, window_to, findings, not_evaluated) values ($1, $2, $3, $4, $5::jsonb)");
        command.Parameters.AddWithValue(run.RanAt);
        command.Parameters.AddWithValue(run.WindowFrom);
        command.Parameters.AddWithValue(run.WindowTo);
        command.Parameters.AddWithValue(run.Findings);
        command.Parameters.AddWithValue(JsonSerializer.Serialize(run.NotEvaluated, Json));
        await command.ExecuteNonQueryAsync(ct);
        return run;
    }

    /// <summary>The window and what scales it: n blocks, their mean interval (span = n × mean interval, so a
    /// scenario present in every block of the window is counted at its rate) and mean prices.</summary>
    private sealed record Window(DateTimeOffset From, DateTimeOffset To, long Blocks, double SpanSeconds, decimal L2PriceFri, decimal L1DataPriceFri);

    private async Task<Window> WindowAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var end = to;
        if (end is null)
        {
            await using var newest = dataSource.CreateCommand("select max(block_time) from ciro.blocks");
            end = await newest.ExecuteScalarAsync(ct) is DateTime t ? new DateTimeOffset(t, TimeSpan.Zero).AddSeconds(1) : clock.GetUtcNow();
        }
        var start = from ?? end.Value.AddDays(-7);
        await using var command = dataSource.CreateCommand("""
            select count(*), extract(epoch from max(block_time) - min(block_time))::float8,
                   coalesce(avg(l2_gas_price_fri), 0), coalesce(avg(l1_data_gas_price_fri), 0)
            from ciro.blocks where block_time >= $1 and block_time < $2
            """);
        command.Parameters.AddWithValue(start);
        command.Parameters.AddWithValue(end.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var n = reader.GetInt64(0);
        var span = n >= 2 ? reader.GetDouble(1) * n / (n - 1) : 0;
        return new Window(start, end.Value, n, span, reader.GetDecimal(2), reader.GetDecimal(3));
    }
}
