using Npgsql;

namespace Ciro.Analytics.Recommendations;

/// <summary>
/// The recommendation rules, each one query over [from, to) of the indexed chain. Prices of the fee model are the
/// published ones (../shared/notes/starknet-gas.md, README "Optimisation"); every finding carries the formula its
/// saving comes from. A rule that needs call traces (ciro.call_traces, ciro.tx_storage_writes) is not run on a range
/// without them, and says so.
/// </summary>
public sealed class RecommendationRules(NpgsqlDataSource dataSource)
{
    public const double EventKeyFeltGas = 10_240;
    public const double EventDataFeltGas = 5_120;
    public const double CalldataFeltGas = 5_120;
    public const double StorageWriteGas = 60_000;

    /// <summary>L1 data gas per unique storage key or contract in the state diff: 2 × 32 (uncompressed; recent
    /// versions compress by about 0.135, which this estimate does not apply).</summary>
    public const double L1DataGasPerDiffEntry = 64;

    /// <summary>L2 gas per Cairo step of a call billed by VM resources (Sierra ≤ 1.6.0) and the same execution as
    /// Sierra gas, at a range check every 25 steps and a Pedersen hash every 200: a step is 100 either way, a range
    /// check 0.04 L1 gas = 1,600 as a VM resource and 70 as Sierra gas, a Pedersen hash 3,200 and 4,050.</summary>
    public const double VmGasPerStep = 100 + 1_600.0 / 25 + 3_200.0 / 200;
    public const double SierraGasPerStep = 100 + 70.0 / 25 + 4_050.0 / 200;
    public const double RecompileSavingShare = 1 - SierraGasPerStep / VmGasPerStep;

    /// <summary>Bits a felt holds: small values written to separate slots could share one.</summary>
    public const double FeltBits = 251;

    /// <summary>Calls, transactions or events a target needs in the window before a rule judges it.</summary>
    public int MinSamples { get; init; } = 20;

    public const string StoragePacking = "storage-packing";
    public const string EventKeys = "event-keys";
    public const string CalldataPacking = "calldata-packing";
    public const string Multicall = "multicall";
    public const string Reverts = "reverts";
    public const string ResourceBounds = "resource-bounds";
    public const string OldSierra = "old-sierra";

    /// <summary>Contracts whose transactions write several slots with small values that fewer felts would hold.</summary>
    public async Task<List<Finding>> StoragePackingAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            with w as (
              select w.contract, t.tx_hash, t.l1_data_gas, t.l2_gas, w.storage_keys,
                     greatest(w.storage_keys - ceil(w.value_bits / 251.0)::int, 0) as packable
              from ciro.tx_storage_writes w
              join ciro.transactions t on t.block_number = w.block_number and t.block_time = w.block_time and t.tx_index = w.tx_index
              where w.block_time >= $1 and w.block_time < $2 and t.execution_status = 'SUCCEEDED')
            select ciro.felt_hex(w.contract), count(*), sum(w.storage_keys), sum(w.packable), avg(w.l1_data_gas)::float8, avg(w.l2_gas)::float8,
                   (array_agg(ciro.felt_hex(w.tx_hash) order by w.packable desc, w.tx_hash))[1:3],
                   (select array_agg(distinct coalesce(ct.function_name, ciro.felt_hex(ct.selector)))
                    from ciro.call_traces ct where ct.contract = w.contract and ct.block_time >= $1 and ct.block_time < $2
                      and ct.phase = 'execute' and ct.depth >= 1)
            from w group by w.contract
            having count(*) >= $3 and sum(w.packable) >= count(*)
            """;
        var findings = new List<Finding>();
        await foreach (var r in QueryAsync(sql, [from, to, MinSamples], ct))
        {
            var (contract, txs, keys, packable) = (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
            var functions = r.IsDBNull(7) ? [] : r.GetFieldValue<string[]>(7);
            findings.Add(new Finding(StoragePacking, new RecommendationTarget("contract", contract),
                $"Pack storage: {contract} writes {(double)keys / txs:0.#} slots per transaction, {(double)packable / txs:0.#} of them small values one felt could share",
                new()
                {
                    ["transactions"] = txs, ["storageKeysPerTx"] = Math.Round((double)keys / txs, 2),
                    ["packableSlotsPerTx"] = Math.Round((double)packable / txs, 2), ["meanL1DataGasPerTx"] = Math.Round(r.GetDouble(4), 1),
                    ["meanL2GasPerTx"] = Math.Round(r.GetDouble(5), 1), ["functions"] = functions,
                },
                r.GetFieldValue<string[]>(6), packable * StorageWriteGas, packable * L1DataGasPerDiffEntry, null,
                "Σ over transactions of (slots written − ⌈Σ value bits / 251⌉) × (60,000 L2 gas + 64 L1 data gas)", "medium"));
        }
        return findings;
    }

    /// <summary>Event key positions whose value differs in (almost) every event and appears in no other event kind of
    /// the contract: nobody can usefully filter on it, and as a key it costs twice what it costs as data.</summary>
    public async Task<List<Finding>> EventKeysAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            with ev as (
              select contract, coalesce(name, ciro.felt_hex(selector)) as kind, keys, tx_hash
              from ciro.events where block_time >= $1 and block_time < $2),
            kinds as (
              select contract, kind, count(*) as events, avg(cardinality(keys))::float8 as key_felts,
                     (array_agg(ciro.felt_hex(tx_hash) order by tx_hash))[1:3] as samples
              from ev group by 1, 2 having count(*) >= $3),
            pos as (
              select e.contract, e.kind, p, e.keys[p] as v
              from ev e join kinds k using (contract, kind), generate_subscripts(e.keys, 1) p where p > 1),
            candidates as (
              select contract, kind, p from pos group by 1, 2, 3 having count(distinct v) >= 0.95 * count(*)),
            needless as (
              select c.contract, c.kind, c.p from candidates c
              where not exists (
                select 1 from pos a join pos b on b.contract = a.contract and b.v = a.v and b.kind <> a.kind
                where a.contract = c.contract and a.kind = c.kind and a.p = c.p))
            select ciro.felt_hex(k.contract), k.kind, k.events, k.key_felts, k.samples, array_agg(n.p - 1 order by n.p)
            from needless n join kinds k using (contract, kind)
            group by k.contract, k.kind, k.events, k.key_felts, k.samples
            """;
        var findings = new List<Finding>();
        await foreach (var r in QueryAsync(sql, [from, to, MinSamples], ct))
        {
            var (contract, kind, events) = (r.GetString(0), r.GetString(1), r.GetInt64(2));
            var positions = r.GetFieldValue<int[]>(5);
            var perEvent = positions.Length * (EventKeyFeltGas - EventDataFeltGas);
            findings.Add(new Finding(EventKeys, new RecommendationTarget("event", contract, Event: kind),
                $"Move {positions.Length} key field(s) of {kind} to data: their values are unique per event and never shared with another event of {contract}",
                new()
                {
                    ["events"] = events, ["meanKeyFelts"] = Math.Round(r.GetDouble(3), 2), ["needlessKeyPositions"] = positions,
                    ["l2GasPerEvent"] = perEvent,
                },
                r.GetFieldValue<string[]>(4), events * perEvent, 0, null,
                "events × needless key felts × (10,240 − 5,120) L2 gas", "medium"));
        }
        return findings;
    }

    /// <summary>Entry points called with long calldata of small felts (under 2^64) that three to a felt would carry.</summary>
    public async Task<List<Finding>> CalldataPackingAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            select ciro.felt_hex(ct.contract), ciro.felt_hex(ct.selector), max(ct.function_name), count(*), avg(ct.calldata_len)::float8,
                   sum(ct.calldata_small_felts - ceil(ct.calldata_small_felts / 3.0)::int),
                   (array_agg(ciro.felt_hex(t.tx_hash) order by t.tx_hash))[1:3]
            from ciro.call_traces ct
            join ciro.transactions t on t.block_number = ct.block_number and t.block_time = ct.block_time and t.tx_index = ct.tx_index
            where ct.block_time >= $1 and ct.block_time < $2 and ct.phase = 'execute' and ct.depth = 1 and not ct.reverted
            group by ct.contract, ct.selector
            having count(*) >= $3 and avg(ct.calldata_len) >= 8
               and sum(ct.calldata_small_felts - ceil(ct.calldata_small_felts / 3.0)::int) >= 2 * count(*)
            """;
        var findings = new List<Finding>();
        await foreach (var r in QueryAsync(sql, [from, to, MinSamples], ct))
        {
            var (contract, selector, function, calls, packable) = (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3), r.GetInt64(5));
            findings.Add(new Finding(CalldataPacking, new RecommendationTarget("function", contract, selector, function),
                $"Pack the arguments of {function ?? selector}: {r.GetDouble(4):0.#} calldata felts per call, {(double)packable / calls:0.#} fewer if small values shared felts",
                new() { ["calls"] = calls, ["meanCalldataFelts"] = Math.Round(r.GetDouble(4), 2), ["feltsSavedPerCall"] = Math.Round((double)packable / calls, 2) },
                r.GetFieldValue<string[]>(6), packable * CalldataFeltGas, 0, null,
                "Σ over calls of (small felts − ⌈small felts / 3⌉) × 5,120 L2 gas (small: under 2^64)", "medium"));
        }
        return findings;
    }

    /// <summary>Senders that send several single-call transactions in one block: one multicall would pay the account's
    /// validation, fee transfer and __execute__ overhead (measured in the traces) and the nonce and fee-balance entries
    /// of the state diff once.</summary>
    public async Task<List<Finding>> MulticallAsync(DateTimeOffset from, DateTimeOffset to, bool traces, CancellationToken ct)
    {
        const string sql = """
            with single as (
              select t.sender, t.block_number, t.block_time, t.tx_index, t.tx_hash
              from ciro.transactions t
              join ciro.tx_calls c on c.block_number = t.block_number and c.block_time = t.block_time and c.tx_index = t.tx_index
              where c.call_count = 1 and t.sender is not null and t.execution_status = 'SUCCEEDED'
                and t.block_time >= $1 and t.block_time < $2),
            groups as (
              select sender, block_number, count(*) as k from single group by 1, 2),
            overhead as (
              select s.sender, avg(x.o)::float8 as per_tx
              from single s
              join lateral (
                select sum(ct.l2_gas) filter (where ct.depth = 0) - coalesce(sum(ct.l2_gas) filter (where ct.depth = 1 and ct.phase = 'execute'), 0) as o
                from ciro.call_traces ct
                where ct.block_number = s.block_number and ct.block_time = s.block_time and ct.tx_index = s.tx_index) x on x.o is not null
              group by s.sender)
            select ciro.felt_hex(g.sender), sum(g.k - 1)::bigint, count(*) filter (where g.k > 1), sum(g.k)::bigint, max(g.k),
                   (select (array_agg(ciro.felt_hex(s.tx_hash) order by s.block_number, s.tx_index))[1:3] from single s
                    join groups g2 on g2.sender = s.sender and g2.block_number = s.block_number and g2.k > 1 where s.sender = g.sender), o.per_tx,
                   (select array_agg(distinct coalesce(c.function_name, ciro.felt_hex(c.selector)))
                    from single s join ciro.tx_calls c on c.block_number = s.block_number and c.block_time = s.block_time and c.tx_index = s.tx_index
                    where s.sender = g.sender)
            from groups g left join overhead o using (sender)
            group by g.sender, o.per_tx
            having sum(g.k - 1) >= $3
            """;
        var findings = new List<Finding>();
        await foreach (var r in QueryAsync(sql, [from, to, MinSamples], ct))
        {
            var (sender, mergeable, blocks, single, most) = (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
            double? overhead = r.IsDBNull(6) ? null : r.GetDouble(6);
            var evidence = new Dictionary<string, object?>
            {
                ["singleCallTransactions"] = single, ["mergeableTransactions"] = mergeable, ["blocksWithSeveral"] = blocks,
                ["mostInOneBlock"] = most, ["accountOverheadL2GasPerTx"] = overhead is null ? null : Math.Round(overhead.Value, 1),
                ["functions"] = r.IsDBNull(7) ? Array.Empty<string>() : r.GetFieldValue<string[]>(7),
            };
            if (overhead is null)
            {
                evidence["missingEvidence"] = traces
                    ? "no trace of these transactions: the account overhead is unknown, the L2 gas saving is left out"
                    : "call traces are not indexed for this range: the account overhead (validate, fee transfer, __execute__) is unknown, the L2 gas saving is left out";
            }
            findings.Add(new Finding(Multicall, new RecommendationTarget("caller", Caller: sender),
                $"Batch calls: {sender} sent {single} single-call transactions, {mergeable} of which one multicall per block would have absorbed",
                evidence, r.GetFieldValue<string[]>(5), mergeable * (overhead ?? 0), mergeable * 2 * L1DataGasPerDiffEntry, null,
                "Σ over blocks of (single-call transactions of the sender − 1) × (account overhead L2 gas per transaction + 2 × 64 L1 data gas: nonce and fee-balance entries)",
                overhead is null ? "low" : "high"));
        }
        return findings;
    }

    /// <summary>Fee burnt by reverted transactions per entry point they call, with the top revert reasons. A reverted
    /// multicall counts under each function it calls.</summary>
    public async Task<List<Finding>> RevertsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            with calls as (
              select c.contract, c.selector, c.function_name, t.execution_status = 'REVERTED' as reverted, t.revert_reason,
                     case when t.fee_unit = 'FRI' then t.fee_amount else 0 end as fee_fri, t.l2_gas, t.l1_data_gas, t.tx_hash
              from ciro.transactions t
              join ciro.tx_calls c on c.block_number = t.block_number and c.block_time = t.block_time and c.tx_index = t.tx_index
              where t.block_time >= $1 and t.block_time < $2),
            grouped as (
              select contract, selector, max(function_name) as function_name, count(*) as calls, count(*) filter (where reverted) as reverted,
                     coalesce(sum(fee_fri) filter (where reverted), 0) as fee, coalesce(sum(l2_gas) filter (where reverted), 0)::bigint as l2,
                     coalesce(sum(l1_data_gas) filter (where reverted), 0)::bigint as l1data,
                     (array_agg(ciro.felt_hex(tx_hash) order by tx_hash) filter (where reverted))[1:3] as samples
              from calls group by 1, 2)
            select ciro.felt_hex(g.contract), ciro.felt_hex(g.selector), g.function_name, g.calls, g.reverted, g.fee, g.l2, g.l1data, g.samples,
                   (select jsonb_agg(jsonb_build_object('reason', x.revert_reason, 'count', x.n) order by x.n desc, x.revert_reason)
                    from (select revert_reason, count(*) as n from calls c
                          where c.contract = g.contract and c.selector = g.selector and c.reverted
                          group by 1 order by 2 desc, 1 limit 3) x)::text
            from grouped g
            where g.reverted >= 3 and g.reverted >= 0.01 * g.calls
            """;
        var findings = new List<Finding>();
        await foreach (var r in QueryAsync(sql, [from, to], ct))
        {
            var (contract, selector, function, calls, reverted) = (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3), r.GetInt64(4));
            var fee = r.GetDecimal(5);
            findings.Add(new Finding(Reverts, new RecommendationTarget("function", contract, selector, function),
                $"Reverts of {function ?? selector}: {reverted} of {calls} transactions reverted and paid {fee:0} FRI for nothing",
                new()
                {
                    ["transactions"] = calls, ["reverted"] = reverted, ["revertRate"] = Math.Round((double)reverted / calls, 4),
                    ["feeBurntFri"] = fee.ToString("0", System.Globalization.CultureInfo.InvariantCulture),
                    ["topReasons"] = System.Text.Json.JsonDocument.Parse(r.GetString(9)).RootElement.Clone(),
                },
                r.GetFieldValue<string[]>(8), r.GetInt64(6), r.GetInt64(7), fee,
                "fee, L2 gas and L1 data gas of the reverted transactions calling the function (an upper bound: a check before sending saves all of it)",
                "high"));
        }
        return findings;
    }

    /// <summary>Senders whose v3 L2 gas bound is far above what their transactions use (funds locked while pending),
    /// or who revert for running out of a bound: those attempts' fee is the saving, since a bound from an estimate would
    /// not have burnt it.</summary>
    public async Task<List<Finding>> ResourceBoundsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            with txs as (
              select sender, tx_hash, l2_gas, l1_data_gas, l2_gas_max_amount,
                     execution_status = 'REVERTED' and revert_reason ilike '%max%gas%' as on_bound,
                     case when fee_unit = 'FRI' then fee_amount else 0 end as fee_fri
              from ciro.transactions
              where block_time >= $1 and block_time < $2 and l2_gas_max_amount is not null and l2_gas > 0 and sender is not null)
            select ciro.felt_hex(sender), count(*),
                   percentile_cont(0.5) within group (order by l2_gas_max_amount::float8 / l2_gas),
                   sum(l2_gas_max_amount - l2_gas)::float8,
                   count(*) filter (where on_bound),
                   coalesce(sum(l2_gas) filter (where on_bound), 0)::float8,
                   coalesce(sum(l1_data_gas) filter (where on_bound), 0)::float8,
                   coalesce(sum(fee_fri) filter (where on_bound), 0),
                   coalesce((array_agg(ciro.felt_hex(tx_hash) order by tx_hash) filter (where on_bound))[1:3],
                            (array_agg(ciro.felt_hex(tx_hash) order by l2_gas_max_amount::float8 / l2_gas desc, tx_hash))[1:3])
            from txs
            group by sender
            having count(*) >= $3
               and (percentile_cont(0.5) within group (order by l2_gas_max_amount::float8 / l2_gas) >= 5 or count(*) filter (where on_bound) > 0)
            """;
        var findings = new List<Finding>();
        await foreach (var r in QueryAsync(sql, [from, to, MinSamples], ct))
        {
            var (sender, txs, ratio, unused, tight) = (r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetInt64(4));
            var fee = r.GetDecimal(7);
            findings.Add(new Finding(ResourceBounds, new RecommendationTarget("caller", Caller: sender),
                tight > 0
                    ? $"Resource bounds too tight: {tight} of {txs} transactions of {sender} reverted on a gas bound and paid {fee:0} FRI for nothing"
                    : $"Resource bounds: {sender} bounds L2 gas at {ratio:0.#}× what its transactions use (funds locked while they are pending)",
                new()
                {
                    ["transactions"] = txs, ["medianBoundToUse"] = Math.Round(ratio, 2), ["unusedBoundL2Gas"] = unused,
                    ["meanUnusedBoundL2GasPerTx"] = Math.Round(unused / txs, 1), ["revertedOnBound"] = tight,
                    ["revertedOnBoundFeeFri"] = fee.ToString("0", System.Globalization.CultureInfo.InvariantCulture),
                },
                r.GetFieldValue<string[]>(8), r.GetDouble(5), r.GetDouble(6), fee,
                tight > 0
                    ? "fee, L2 gas and L1 data gas of the transactions that reverted on a gas bound (a bound set from an estimate would not have burnt them)"
                    : "no gas saving: the bound is what the sender may be charged, not what it is; the evidence is the headroom locked",
                tight > 0 ? "high" : "medium"));
        }
        return findings;
    }

    /// <summary>Watched contracts whose class (at the window's end) was compiled to Sierra 1.6.0 or older: their calls
    /// are billed by Cairo VM resources, which price builtins (range checks above all) far above Sierra gas. The saving
    /// is the share of their calls' own L2 gas (nested calls excluded) that Sierra gas would not charge, at the stated
    /// resource mix. Cairo 0 classes (no Sierra version) are left out: they need a rewrite, not a recompile.</summary>
    public async Task<List<Finding>> OldSierraAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            with current_class as (
              select distinct on (cc.contract) cc.contract, cc.block_number as since, cc.class_hash, c.sierra_version, c.compiler_version
              from ciro.contract_classes cc join ciro.classes c on c.class_hash = cc.class_hash
              where cc.block_time < $2
              order by cc.contract, cc.block_number desc),
            old as (
              select * from current_class
              where sierra_version ~ '^[0-9]+\.[0-9]+\.[0-9]+$' and string_to_array(sierra_version, '.')::int[] <= array[1, 6, 0]),
            calls as (
              select o.contract, coalesce(ct.function_name, ciro.felt_hex(ct.selector)) as function, t.tx_hash,
                     ct.l2_gas - coalesce((select sum(k.l2_gas) from ciro.call_traces k
                                           where k.block_number = ct.block_number and k.block_time = ct.block_time
                                             and k.tx_index = ct.tx_index and k.parent_id = ct.call_id), 0) as own_gas
              from old o
              join ciro.call_traces ct on ct.contract = o.contract and ct.block_number >= o.since
              join ciro.transactions t on t.block_number = ct.block_number and t.block_time = ct.block_time and t.tx_index = ct.tx_index
              where ct.block_time >= $1 and ct.block_time < $2 and ct.phase = 'execute' and ct.depth >= 1 and ct.l2_gas is not null)
            select ciro.felt_hex(o.contract), ciro.felt_hex(o.class_hash), o.sierra_version, o.compiler_version, o.since,
                   count(*), sum(c.own_gas)::float8,
                   (array_agg(ciro.felt_hex(c.tx_hash) order by c.own_gas desc, c.tx_hash))[1:3],
                   (select jsonb_agg(jsonb_build_object('function', f.function, 'calls', f.n, 'l2Gas', f.gas) order by f.gas desc, f.function)
                    from (select function, count(*) as n, sum(own_gas) as gas from calls c2 where c2.contract = o.contract group by 1) f)::text
            from old o join calls c on c.contract = o.contract
            group by o.contract, o.class_hash, o.sierra_version, o.compiler_version, o.since
            having count(*) >= $3
            """;
        var findings = new List<Finding>();
        await foreach (var r in QueryAsync(sql, [from, to, MinSamples], ct))
        {
            var (contract, classHash, sierra, compiler, calls, gas) = (r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt64(5), r.GetDouble(6));
            findings.Add(new Finding(OldSierra, new RecommendationTarget("contract", contract),
                $"Recompile {contract}: its class was compiled{(compiler is null ? "" : $" by Cairo {compiler}")} to Sierra {sierra} and is billed by Cairo VM resources; Sierra 1.7.0 or later is billed by Sierra gas, about {RecompileSavingShare:P0} less",
                new()
                {
                    ["classHash"] = classHash, ["sierraVersion"] = sierra, ["compilerVersion"] = compiler, ["classSinceBlock"] = r.GetInt64(4),
                    ["calls"] = calls, ["l2GasOfCalls"] = gas, ["meanL2GasPerCall"] = Math.Round(gas / calls, 1),
                    ["functions"] = System.Text.Json.JsonDocument.Parse(r.GetString(8)).RootElement.Clone(),
                    ["assumedMix"] = "per Cairo step: 1/25 range check, 1/200 Pedersen (not in v0.8+ receipts or traces, which give L2 gas only)",
                },
                r.GetFieldValue<string[]>(7), gas * RecompileSavingShare, 0, null,
                "Σ over calls into the contract of their own L2 gas (nested calls excluded) × (1 − 123.05 / 180) = × 0.3164: VM billing per Cairo step 100 + 1,600 / 25 (range check at 0.04 L1 gas) + 3,200 / 200 (Pedersen at 0.08 L1 gas) = 180 L2 gas, Sierra gas 100 + 70 / 25 + 4,050 / 200 = 123.05",
                "low"));
        }
        return findings;
    }

    /// <summary>Whether any class information is indexed (the indexer's class tracking ran against a node serving
    /// starknet_getStateUpdate and starknet_getClass).</summary>
    public async Task<bool> HasClassesAsync(CancellationToken ct)
    {
        await foreach (var r in QueryAsync("select exists (select 1 from ciro.classes)", [], ct))
        {
            return r.GetBoolean(0);
        }
        return false;
    }

    public async Task<bool> HasTracesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await foreach (var r in QueryAsync("select exists (select 1 from ciro.call_traces where block_time >= $1 and block_time < $2)", [from, to], ct))
        {
            return r.GetBoolean(0);
        }
        return false;
    }

    private async IAsyncEnumerable<NpgsqlDataReader> QueryAsync(string sql, object[] parameters,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return reader;
        }
    }
}
