using System.Numerics;
using Ciro.Analytics.Rollups;
using Ciro.Starknet;
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
        var rows = set.Rows.Select(r => new WorkerRow(r.BucketStart, r.Worker.ToString(), r.Assigned, r.Completed, r.Failed,
                r.SuccessRate, GasKpis.Quantile(r.CompletionSketch, 0.5, 1000), GasKpis.Quantile(r.CompletionSketch, 0.95, 1000),
                GasKpis.Quantile(r.CompletionSketch, 0.99, 1000), r.Paid.ToString()))
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
        var all = set.Rows.Select(r => (Row: r, Worker: r.Worker.ToString(), Rate: r.SuccessRate)).ToList();
        var ranked = all.Where(w => w.Row.Finished >= minSamples)
            .OrderByDescending(w => w.Rate).ThenByDescending(w => w.Row.Completed).ThenBy(w => w.Worker).ToList();
        var result = new List<LeaderboardRow>();
        for (var i = 0; i < ranked.Count; i++)
        {
            var w = ranked[i];
            var tie = i > 0 && ranked[i - 1].Rate == w.Rate && ranked[i - 1].Row.Completed == w.Row.Completed;
            var rank = tie ? result[i - 1].Rank : i + 1;
            result.Add(Leader(w.Row, w.Worker, w.Rate, rank, stakes));
        }
        result.AddRange(all.Where(w => w.Row.Finished < minSamples)
            .OrderByDescending(w => w.Row.Completed).ThenBy(w => w.Worker)
            .Select(w => Leader(w.Row, w.Worker, w.Rate, null, stakes)));
        return TablePage<LeaderboardRow>.Of(result, request,
            $"Ranked by success rate then completed jobs; ties share a rank (1, 1, 3). Workers with fewer than {minSamples} finished (completed + failed) jobs in the range are unranked.",
            "Stake = the worker's latest StakeAdded total_stake before the range end, minus UnstakeExecuted amounts after it.");
    }

    private static LeaderboardRow Leader(WorkerRollup r, string worker, double? rate, int? rank, Dictionary<Felt, BigInteger> stakes) =>
        new(rank, worker, r.Assigned, r.Completed, r.Failed, rate, GasKpis.Quantile(r.CompletionSketch, 0.5, 1000),
            GasKpis.Quantile(r.CompletionSketch, 0.95, 1000), r.Paid.ToString(), stakes.GetValueOrDefault(r.Worker).ToString(), rank is not null);

    private async Task<RollupSet<WorkerRollup, Felt>> LoadAsync(KpiRequest request, Func<DateTimeOffset, DateTimeOffset> into, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var filter = request.Worker is null ? "" : " and worker = $4";
        object[] values = request.Worker is null ? [] : [request.Worker.Value.ToBytes()];
        return await RollupStore.LoadAsync<WorkerRollup, Felt>(connection, null, request.Bucket,
            Buckets.Floor(request.From, request.Bucket), request.To, into, ct, filter, values);
    }

    /// <summary>The whole range merged into one row per worker; hourly requests read day rows for whole days.</summary>
    private async Task<RollupSet<WorkerRollup, Felt>> LoadMergedAsync(KpiRequest request, CancellationToken ct)
    {
        if (request.Bucket != Buckets.Hour)
        {
            return await LoadAsync(request, _ => request.From, ct);
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var filter = request.Worker is null ? "" : " and worker = $4";
        object[] values = request.Worker is null ? [] : [request.Worker.Value.ToBytes()];
        return await RollupStore.LoadHoursMergedAsync<WorkerRollup, Felt>(connection, Buckets.Floor(request.From, Buckets.Hour),
            request.To, request.From, ct, filter, values);
    }

    private async Task<Dictionary<Felt, BigInteger>> StakesAsync(DateTimeOffset asOf, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            with added as (
              select distinct on (worker) worker, total, block_time from (
                select ciro.felt_bytes(decoded->>'worker') as worker, (decoded->>'total_stake')::numeric as total,
                       block_time, block_number, tx_index, event_index
                from ciro.events
                where name = '{CiroEvents.StakeAdded}' and block_time < $1
                  and {ChainSql.IsFelt("decoded->>'worker'")} and {ChainSql.IsAmount("decoded->>'total_stake'")}) s
              order by worker, block_number desc, tx_index desc, event_index desc)
            select a.worker, a.total - coalesce((
                select sum((u.decoded->>'amount')::numeric) from ciro.events u
                where u.name = '{CiroEvents.UnstakeExecuted}' and u.block_time > a.block_time and u.block_time < $1
                  and {ChainSql.IsFelt("u.decoded->>'worker'")} and {ChainSql.IsAmount("u.decoded->>'amount'")}
                  and ciro.felt_bytes(u.decoded->>'worker') = a.worker), 0)
            from added a
            """, connection);
        command.Parameters.AddWithValue(asOf);
        var stakes = new Dictionary<Felt, BigInteger>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stakes[Felt.FromBytes(reader.GetFieldValue<byte[]>(0))] = reader.GetFieldValue<BigInteger>(1);
        }
        return stakes;
    }
}
