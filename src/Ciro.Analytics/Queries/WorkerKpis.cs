using System.Numerics;
using Ciro.Analytics.Rollups;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>A worker in one bucket. SuccessRate = completed / (completed + failed); completion percentiles are
/// JobAssigned → JobCompleted of the same job; failed = reverted submit_job_result transactions it sent.</summary>
public sealed record WorkerRow(
    DateTimeOffset BucketStart, string Worker, long Assigned, long Completed, long Failed, double? SuccessRate,
    double? CompletionP50Seconds, double? CompletionP95Seconds, double? CompletionP99Seconds, string Paid);

/// <summary>A worker over the whole range. Rank is null when Completed + Failed is below the minimum sample.</summary>
public sealed record LeaderboardRow(
    int? Rank, string Worker, long Assigned, long Completed, long Failed, double? SuccessRate,
    double? CompletionP50Seconds, double? CompletionP95Seconds, string Paid, string Stake, bool Ranked);

public sealed class WorkerKpis(NpgsqlDataSource dataSource, IOptions<AnalyticsOptions> options)
{
    public async Task<TablePage<WorkerRow>> GetAsync(KpiRequest request, CancellationToken ct)
    {
        var set = await LoadAsync(request, t => t, ct);
        var rows = set.Rows.Select(r => new WorkerRow(r.BucketStart, Hex.Of((byte[])r.Key[0])!, r.Counts[0], r.Counts[1], r.Counts[2],
                SuccessRate(r), GasKpis.Quantile(r.Sketches[0], 0.5, 1000), GasKpis.Quantile(r.Sketches[0], 0.95, 1000),
                GasKpis.Quantile(r.Sketches[0], 0.99, 1000), r.Amounts[0].ToString()))
            .OrderBy(r => r.BucketStart).ThenBy(r => r.Worker).ToList();
        return TablePage<WorkerRow>.Of(rows, request, "failed counts reverted submit_job_result transactions sent by the worker: JobManager emits no failure event.");
    }

    /// <summary>
    /// Ranked by success rate, then completed jobs, both descending; equal pairs share a rank and the next rank
    /// skips (1, 1, 3: "competition" ranking). Workers with fewer than the minimum finished jobs are listed
    /// after the ranked ones, unranked, so a worker with one lucky job never tops the board.
    /// </summary>
    public async Task<TablePage<LeaderboardRow>> GetLeaderboardAsync(KpiRequest request, CancellationToken ct)
    {
        var minSamples = options.Value.LeaderboardMinSamples;
        var set = await LoadMergedAsync(request, ct);
        var stakes = await StakesAsync(request.To, ct);
        var all = set.Rows.Select(r => (Row: r, Worker: Hex.Of((byte[])r.Key[0])!, Rate: SuccessRate(r), Finished: r.Counts[1] + r.Counts[2])).ToList();
        var ranked = all.Where(w => w.Finished >= minSamples)
            .OrderByDescending(w => w.Rate).ThenByDescending(w => w.Row.Counts[1]).ThenBy(w => w.Worker).ToList();
        var result = new List<LeaderboardRow>();
        for (var i = 0; i < ranked.Count; i++)
        {
            var w = ranked[i];
            var tie = i > 0 && ranked[i - 1].Rate == w.Rate && ranked[i - 1].Row.Counts[1] == w.Row.Counts[1];
            var rank = tie ? result[i - 1].Rank : i + 1;
            result.Add(Leader(w.Row, w.Worker, w.Rate, rank, stakes));
        }
        result.AddRange(all.Where(w => w.Finished < minSamples)
            .OrderByDescending(w => w.Row.Counts[1]).ThenBy(w => w.Worker)
            .Select(w => Leader(w.Row, w.Worker, w.Rate, null, stakes)));
        return TablePage<LeaderboardRow>.Of(result, request,
            $"Ranked by success rate then completed jobs; ties share a rank (1, 1, 3). Workers with fewer than {minSamples} finished (completed + failed) jobs in the range are unranked.",
            "Stake = the worker's latest StakeAdded total_stake before the range end, minus UnstakeExecuted amounts after it.");
    }

    private static LeaderboardRow Leader(RollupRow r, string worker, double? rate, int? rank, Dictionary<string, BigInteger> stakes) =>
        new(rank, worker, r.Counts[0], r.Counts[1], r.Counts[2], rate, GasKpis.Quantile(r.Sketches[0], 0.5, 1000),
            GasKpis.Quantile(r.Sketches[0], 0.95, 1000), r.Amounts[0].ToString(), stakes.GetValueOrDefault(worker).ToString(), rank is not null);

    private static double? SuccessRate(RollupRow r) =>
        r.Counts[1] + r.Counts[2] == 0 ? null : Math.Round((double)r.Counts[1] / (r.Counts[1] + r.Counts[2]), 6);

    private async Task<RollupSet> LoadAsync(KpiRequest request, Func<DateTimeOffset, DateTimeOffset> into, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var filter = request.Worker is null ? "" : " and worker = $4";
        object[] values = request.Worker is null ? [] : [request.Worker];
        return await RollupStore.LoadAsync(connection, null, RollupTable.Workers, request.Bucket,
            Buckets.Floor(request.From, request.Bucket), request.To, into, ct, filter, values);
    }

    /// <summary>The whole range merged into one row per worker; hourly requests read day rows for whole days.</summary>
    private async Task<RollupSet> LoadMergedAsync(KpiRequest request, CancellationToken ct)
    {
        if (request.Bucket != Buckets.Hour)
        {
            return await LoadAsync(request, _ => request.From, ct);
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var filter = request.Worker is null ? "" : " and worker = $4";
        object[] values = request.Worker is null ? [] : [request.Worker];
        return await RollupStore.LoadHoursMergedAsync(connection, RollupTable.Workers, Buckets.Floor(request.From, Buckets.Hour),
            request.To, request.From, ct, filter, values);
    }

    private async Task<Dictionary<string, BigInteger>> StakesAsync(DateTimeOffset asOf, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""
            with added as (
              select distinct on (worker) worker, total, block_time from (
                select ciro.felt_bytes(decoded->>'worker') as worker, (decoded->>'total_stake')::numeric as total,
                       block_time, block_number, tx_index, event_index
                from ciro.events
                where name = 'StakeAdded' and block_time < $1
                  and decoded->>'worker' ~ '^0x[0-9a-fA-F]{1,64}$' and decoded->>'total_stake' ~ '^[0-9]{1,78}$') s
              order by worker, block_number desc, tx_index desc, event_index desc)
            select ciro.felt_hex(a.worker), a.total - coalesce((
                select sum((u.decoded->>'amount')::numeric) from ciro.events u
                where u.name = 'UnstakeExecuted' and u.block_time > a.block_time and u.block_time < $1
                  and u.decoded->>'worker' ~ '^0x[0-9a-fA-F]{1,64}$' and u.decoded->>'amount' ~ '^[0-9]{1,78}$'
                  and ciro.felt_bytes(u.decoded->>'worker') = a.worker), 0)
            from added a
            """, connection);
        command.Parameters.AddWithValue(asOf);
        var stakes = new Dictionary<string, BigInteger>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stakes[reader.GetString(0)] = reader.GetFieldValue<BigInteger>(1);
        }
        return stakes;
    }
}
