using System.Numerics;
using Npgsql;

namespace Ciro.Analytics.Rollups;

/// <summary>
/// Computes the hour rows of every rollup table for [start, end) straight from the raw tables. Sums and counts
/// could be done in SQL, but sketches need each value, so rows stream through once and both are built here.
/// Every query is bounded by block_time so partition pruning keeps it to the hours asked for.
/// </summary>
public static class HourlyComputer
{
    /// <summary>(stage, start event, end event) of the job lifecycle, joined on decoded job_id.</summary>
    public static readonly (string Stage, string Start, string End)[] Stages =
    [
        ("submitted_to_allocated", "JobSubmitted", "JobAllocated"),
        ("allocated_to_assigned", "JobAllocated", "JobAssigned"),
        ("assigned_to_completed", "JobAssigned", "JobCompleted"),
        ("completed_to_paid", "JobCompleted", "PaymentReleased"),
        ("submitted_to_completed", "JobSubmitted", "JobCompleted"),
    ];

    public static async Task<RollupSet[]> ComputeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var gas = new RollupSet(RollupTable.Gas);
        var network = new RollupSet(RollupTable.Network);
        var jobs = new RollupSet(RollupTable.Jobs);
        var workers = new RollupSet(RollupTable.Workers);

        // Gas: one row per (transaction, distinct contract+selector it calls).
        await ReadAsync(connection, tx, """
            select date_trunc('hour', t.block_time, 'UTC'), c.contract, c.selector, c.call_count > 1, c.function_name,
                   t.execution_status = 'REVERTED', t.l1_gas, t.l1_data_gas, t.l2_gas, t.fee_amount, t.fee_unit
            from ciro.transactions t
            join (select distinct block_number, block_time, tx_index, contract, selector, call_count, function_name
                  from ciro.tx_calls where block_time >= $1 and block_time < $2) c
              on c.block_number = t.block_number and c.tx_index = t.tx_index and c.block_time = t.block_time
            where t.block_time >= $1 and t.block_time < $2
            """, start, end, r =>
        {
            var row = gas.Get(r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<byte[]>(1), r.GetFieldValue<byte[]>(2), r.GetBoolean(3));
            row.Texts[0] ??= r.IsDBNull(4) ? null : r.GetString(4);
            row.Counts[0]++;
            row.Counts[1] += r.GetBoolean(5) ? 1 : 0;
            long l1 = r.GetInt64(6), l1d = r.GetInt64(7), l2 = r.GetInt64(8);
            var fee = r.GetFieldValue<BigInteger>(9);
            var wei = r.GetString(10) == "WEI";
            row.Amounts[0] += l1;
            row.Amounts[1] += l1d;
            row.Amounts[2] += l2;
            row.Amounts[wei ? 3 : 4] += fee;
            row.Sketches[0].Add(l1);
            row.Sketches[1].Add(l1d);
            row.Sketches[2].Add(l2);
            row.Sketches[wei ? 3 : 4].Add((double)fee);
        }, ct);

        // Network: one row per block, with the previous block's time for the interval.
        await ReadAsync(connection, tx, """
            select date_trunc('hour', b.block_time, 'UTC'), b.tx_count, b.event_count, b.l1_gas, b.l1_data_gas, b.l2_gas,
                   (extract(epoch from b.block_time - p.block_time) * 1000)::bigint,
                   b.l1_gas_price_fri, b.l1_data_gas_price_fri, b.l2_gas_price_fri,
                   b.l1_gas_price_wei, b.l1_data_gas_price_wei, b.l2_gas_price_wei
            from ciro.blocks b
            left join lateral (select block_time from ciro.blocks p where p.block_number = b.block_number - 1 limit 1) p on true
            where b.block_time >= $1 and b.block_time < $2
            """, start, end, r =>
        {
            var row = network.Get(r.GetFieldValue<DateTimeOffset>(0));
            row.Counts[0]++;
            row.Counts[1] += r.GetInt32(1);
            row.Counts[3] += r.GetInt32(2);
            var l2 = r.GetInt64(5);
            row.Amounts[0] += r.GetInt64(3);
            row.Amounts[1] += r.GetInt64(4);
            row.Amounts[2] += l2;
            row.Maxes[0] = Math.Max(row.Maxes[0], l2);
            row.Sketches[1].Add(l2);
            if (!r.IsDBNull(6))
            {
                var interval = Math.Max(0, r.GetInt64(6));
                row.Counts[4]++;
                row.Amounts[5] += interval;
                row.Sketches[0].Add(interval);
            }
            for (var i = 0; i < 6; i++)
            {
                row.Amounts[6 + i] += r.GetFieldValue<BigInteger>(7 + i);
            }
        }, ct);

        await ReadAsync(connection, tx, """
            select date_trunc('hour', block_time, 'UTC'), count(*) filter (where execution_status = 'REVERTED'),
                   coalesce(sum(fee_amount) filter (where fee_unit = 'WEI'), 0), coalesce(sum(fee_amount) filter (where fee_unit = 'FRI'), 0)
            from ciro.transactions where block_time >= $1 and block_time < $2 group by 1
            """, start, end, r =>
        {
            var row = network.Get(r.GetFieldValue<DateTimeOffset>(0));
            row.Counts[2] += r.GetInt64(1);
            row.Amounts[3] += r.GetFieldValue<BigInteger>(2);
            row.Amounts[4] += r.GetFieldValue<BigInteger>(3);
        }, ct);

        // Job stages: each end event against the most recent start event of the same job at or before it.
        foreach (var (stage, startName, endName) in Stages)
        {
            await ReadAsync(connection, tx, """
                select date_trunc('hour', e.block_time, 'UTC'), (extract(epoch from e.block_time - s.t) * 1000)::bigint
                from ciro.events e
                cross join lateral (select max(x.block_time) t from ciro.events x
                                    where x.name = $3 and x.decoded ? 'job_id' and x.decoded->>'job_id' = e.decoded->>'job_id'
                                      and x.block_time <= e.block_time) s
                where e.name = $4 and e.decoded ? 'job_id' and e.block_time >= $1 and e.block_time < $2 and s.t is not null
                """, start, end, r =>
            {
                var row = jobs.Get(r.GetFieldValue<DateTimeOffset>(0), stage);
                var ms = Math.Max(0, r.GetInt64(1));
                row.Counts[0]++;
                row.Amounts[0] += ms;
                row.Sketches[0].Add(ms);
            }, ct, startName, endName);
        }

        // Workers: assigned/completed/paid from events (worker address), failed from reverted result submissions.
        await ReadAsync(connection, tx, """
            select date_trunc('hour', e.block_time, 'UTC'), ciro.felt_bytes(e.decoded->>'worker'), e.name,
                   case when e.name = 'PaymentReleased' and e.decoded->>'amount' ~ '^[0-9]{1,78}$' then (e.decoded->>'amount')::numeric end,
                   (extract(epoch from e.block_time - a.t) * 1000)::bigint
            from ciro.events e
            left join lateral (select max(x.block_time) t from ciro.events x
                               where e.name = 'JobCompleted' and x.name = 'JobAssigned' and x.decoded ? 'job_id'
                                 and x.decoded->>'job_id' = e.decoded->>'job_id' and x.block_time <= e.block_time) a on true
            where e.name in ('JobAssigned', 'JobCompleted', 'PaymentReleased') and e.decoded ? 'worker'
              and e.decoded->>'worker' ~ '^0x[0-9a-fA-F]{1,64}$'
              and e.block_time >= $1 and e.block_time < $2
            union all
            select date_trunc('hour', t.block_time, 'UTC'), t.sender, 'Failed', null, null
            from ciro.transactions t
            where t.block_time >= $1 and t.block_time < $2 and t.execution_status = 'REVERTED' and t.sender is not null
              and exists (select 1 from ciro.tx_calls c where c.block_number = t.block_number and c.tx_index = t.tx_index
                          and c.block_time = t.block_time and c.function_name = 'submit_job_result')
            """, start, end, r =>
        {
            var row = workers.Get(r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<byte[]>(1));
            switch (r.GetString(2))
            {
                case "JobAssigned":
                    row.Counts[0]++;
                    break;
                case "JobCompleted":
                    row.Counts[1]++;
                    if (!r.IsDBNull(4))
                    {
                        row.Sketches[0].Add(Math.Max(0, r.GetInt64(4)));
                    }
                    break;
                case "PaymentReleased":
                    row.Amounts[0] += r.IsDBNull(3) ? BigInteger.Zero : r.GetFieldValue<BigInteger>(3);
                    break;
                default:
                    row.Counts[2]++;
                    break;
            }
        }, ct);

        return [gas, network, jobs, workers];
    }

    private static async Task ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, DateTimeOffset start, DateTimeOffset end,
        Action<NpgsqlDataReader> onRow, CancellationToken ct, params string[] extra)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddWithValue(start);
        command.Parameters.AddWithValue(end);
        foreach (var value in extra)
        {
            command.Parameters.AddWithValue(value);
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            onRow(reader);
        }
    }
}
