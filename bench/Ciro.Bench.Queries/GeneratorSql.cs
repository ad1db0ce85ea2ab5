using System.Globalization;
using System.Text;

namespace Ciro.Bench.Queries;

/// <summary>The SQL behind <see cref="ChainGenerator"/>: helpers in a throwaway `bench` schema, then one
/// statement per block range that inserts blocks, transactions, calls and events together.</summary>
public static class GeneratorSql
{
    /// <summary>Helpers: felt of an integer (24 zero bytes + big-endian int8, as the Felt type stores it),
    /// a uniform draw in [0, 1) per (block, tx, stream), the worker of a job and whether its result reverts,
    /// the function table and 1000 weighted slots (negative slots are the five lifecycle functions).</summary>
    public static string Setup((string Name, long Contract, double Weight, long L2Gas, string[] Events)[] functions, int workers)
    {
        var sql = new StringBuilder($"""
            create schema if not exists bench;
            create or replace function bench.felt(v bigint) returns bytea language sql immutable parallel safe as
              $$ select '\x000000000000000000000000000000000000000000000000'::bytea || int8send(v) $$;
            create or replace function bench.u(n bigint, i int, s int) returns float8 language sql immutable parallel safe as
              $$ select (hashint8(n * 4096 + i * 32 + s) & 2147483647)::float8 / 2147483648 $$;
            create or replace function bench.worker(job bigint) returns bigint language sql immutable parallel safe as
              $$ select 40960 + floor({workers} * bench.u(job, 0, 3) ^ 2)::bigint $$;
            create or replace function bench.failed(job bigint) returns boolean language sql immutable parallel safe as
              $$ select bench.u(job, 0, 4) * 100 < 2 + (bench.worker(job) - 40960) % 25 $$;
            drop table if exists bench.functions, bench.slots;
            create table bench.functions (id int primary key, name text, contract bigint, base_l2 bigint, events text[]);
            create table bench.slots (slot int primary key, fid int);

            """);
        for (var id = 0; id < functions.Length; id++)
        {
            var f = functions[id];
            var events = string.Join(",", f.Events.Select(e => $"\"{e}\""));
            sql.Append(CultureInfo.InvariantCulture, $"insert into bench.functions values ({id}, '{f.Name}', {f.Contract}, {f.L2Gas}, '{{{events}}}');\n");
        }
        for (var id = 0; id < 5; id++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"insert into bench.slots values ({-1 - id}, {id});\n");
        }
        // Slots 0..999 shared out by weight: a uniform draw × 1000 picks a function with its weight's probability.
        var total = functions.Skip(5).Sum(f => f.Weight);
        double cumulative = 0;
        var slot = 0;
        for (var id = 5; id < functions.Length; id++)
        {
            cumulative += functions[id].Weight;
            var last = id == functions.Length - 1 ? 1000 : (int)Math.Round(1000 * cumulative / total);
            for (; slot < last; slot++)
            {
                sql.Append(CultureInfo.InvariantCulture, $"insert into bench.slots values ({slot}, {id});\n");
            }
        }
        sql.Append("analyze bench.functions; analyze bench.slots;");
        return sql.ToString();
    }

    /// <summary>Blocks [$1, $2): block n at $3 + n·$4 seconds; $5 = mean "other" transactions per block.</summary>
    public const string Chunk = """
        with bk as materialized (
          select n, t,
                 -- other traffic: mean $5, by hour of day (peak 16:00 UTC) and weekday, stochastically rounded
                 floor($5::float8
                       * (1 + 0.5 * cos(2 * pi() * (extract(hour from t at time zone 'UTC') - 16) / 24))
                       * (case when extract(isodow from t at time zone 'UTC') >= 6 then 0.75 else 1.1 end)
                       * (0.7 + 0.6 * bench.u(n, 0, 1))
                       + bench.u(n, 0, 2))::int as others
          from (select n, $3::timestamptz + make_interval(secs => n * $4::float8) as t
                from generate_series($1::bigint, $2::bigint - 1) n) b),
        raw as (
          select bk.n, bk.t, i, s.fid,
                 case s.fid when 0 then bk.n when 1 then bk.n - 1 when 2 then bk.n - 2 when 3 then bk.n - 5 when 4 then bk.n - 6 end as job
          from bk cross join lateral generate_series(0, 4 + bk.others) i
          join bench.slots s on s.slot = case when i < 5 then -1 - i else floor(bench.u(bk.n, i, 5) * 1000)::int end),
        tx as materialized (
          select r.*, f.name, f.contract, f.events,
                 case when r.fid = 0 then 786432 + floor(500 * bench.u(r.n, r.i, 6))::bigint
                      when r.fid in (1, 2, 4) then 209
                      when r.fid = 3 then bench.worker(r.job)
                      when r.fid in (17, 18) then 40960 + floor(100 * bench.u(r.n, r.i, 6))::bigint
                      else 1048576 + floor(100000 * bench.u(r.n, r.i, 6) ^ 3)::bigint end as sender,
                 coalesce(r.fid = 3 and r.job >= 0 and bench.failed(r.job), false) as reverted,
                 case when r.fid < 5 then r.job >= 0 and not (r.fid in (3, 4) and bench.failed(r.job)) else true end as emits,
                 r.fid = 8 and bench.u(r.n, r.i, 7) < 0.5 as multicall,
                 -- L2 gas: the function's base with a heavy right tail; L1 data gas for the state diff
                 (f.base_l2 * (0.6 + 0.8 * bench.u(r.n, r.i, 8) + 2 * bench.u(r.n, r.i, 9) ^ 8))::bigint as l2,
                 128 + floor(640 * bench.u(r.n, r.i, 10))::bigint as l1d,
                 bench.u(r.n, r.i, 11) < 0.03 as wei
          from raw r join bench.functions f on f.id = r.fid),
        txe as materialized (
          select tx.*, '0x' || to_hex(sender) as sender_hex, '0x' || to_hex(bench.worker(job)) as worker_hex,
                 case when wei then l2 * 200000 + l1d * 900000 else l2 * 8000000000::numeric + l1d * 3000000000 end as fee,
                 1 + case when emits then cardinality(events) else 0 end as event_count
          from tx),
        ins_blocks as (
          insert into ciro.blocks (block_number, block_hash, parent_hash, block_time, sequencer, l1_gas_price_fri, l1_gas_price_wei,
                                   l1_data_gas_price_fri, l1_data_gas_price_wei, l2_gas_price_fri, l2_gas_price_wei, tx_count, event_count,
                                   l1_gas, l1_data_gas, l2_gas, status, starknet_version)
          select n, bench.felt(68719476736 + n), bench.felt(68719476735 + n), t, bench.felt(1513),
                 round(30000000000000 * (0.8 + 0.4 * bench.u(n, 0, 12)))::numeric, round(10000000000 * (0.8 + 0.4 * bench.u(n, 0, 12)))::numeric,
                 round(3000000000 * (0.8 + 0.4 * bench.u(n, 0, 13)))::numeric, round(1000000 * (0.8 + 0.4 * bench.u(n, 0, 13)))::numeric,
                 8000000000, 200000, count(*), sum(event_count), 0, sum(l1d), sum(l2), 'ACCEPTED_ON_L2', '0.14.1'
          from txe group by n, t),
        ins_tx as (
          insert into ciro.transactions (block_number, block_time, tx_index, tx_hash, tx_type, version, sender, fee_amount, fee_unit,
                                         l1_gas, l1_data_gas, l2_gas, execution_status, revert_reason, event_count)
          select n, t, i, bench.felt(n * 128 + i), 'INVOKE', '0x3', bench.felt(sender), fee, case when wei then 'WEI' else 'FRI' end,
                 0, l1d, l2, case when reverted then 'REVERTED' else 'SUCCEEDED' end, case when reverted then 'job result rejected' end, event_count
          from txe),
        ins_calls as (
          insert into ciro.tx_calls (block_number, block_time, tx_index, call_index, call_count, contract, selector, function_name)
          select txe.n, txe.t, txe.i, c, case when multicall then 2 else 1 end, bench.felt(f.contract), bench.felt(6160384 + f.id), f.name
          from txe cross join lateral generate_series(0, case when multicall then 1 else 0 end) c
          join bench.functions f on f.id = case when multicall and c = 0 then 6 else txe.fid end)
        insert into ciro.events (block_number, block_time, tx_index, event_index, tx_hash, contract, selector, name, keys, data, decoded)
        select n, t, i, i * 8 + e, bench.felt(n * 128 + i), bench.felt(case when e = 0 then 18200 else contract end),
               bench.felt(abs(hashtext(en))), en, array[bench.felt(abs(hashtext(en)))], '{}'::bytea[],
               case en
                 when 'JobSubmitted' then jsonb_build_object('job_id', job::text, 'client', sender_hex, 'payment', '1000')
                 when 'JobAllocated' then jsonb_build_object('job_id', job::text, 'worker_id', '0x77', 'confidence_score', 9)
                 when 'JobAssigned' then jsonb_build_object('job_id', job::text, 'worker', worker_hex)
                 when 'JobCompleted' then jsonb_build_object('job_id', job::text, 'worker', worker_hex)
                 when 'PaymentReleased' then jsonb_build_object('job_id', job::text, 'worker', worker_hex, 'amount', '900')
                 when 'StakeAdded' then jsonb_build_object('worker', sender_hex, 'amount', '1000', 'total_stake', (1000 * (1 + n % 50))::text)
                 when 'Transfer' then jsonb_build_object('from', sender_hex, 'to', '0x5e9', 'value', fee::text)
                 else jsonb_build_object('caller', sender_hex) end
        from txe cross join lateral generate_series(0, event_count - 1) e
        cross join lateral (select case when e = 0 then 'Transfer' else events[e] end as en) x
        """;
}
