using Ciro.Starknet;
using Npgsql;

namespace Ciro.Analytics.Experiments;

/// <summary>A class change of a contract (deployment excluded): which class it left and which it runs since.</summary>
public sealed record ClassChangeInfo(
    string Contract,
    long Block,
    DateTimeOffset ChangedAt,
    string? PreviousClassHash,
    string? PreviousSierraVersion,
    string? PreviousCompilerVersion,
    string ClassHash,
    string? SierraVersion,
    string? CompilerVersion);

/// <summary>The before/after of one class change.</summary>
public sealed record UpgradeReport(
    ClassChangeInfo Change,
    string Matching,
    DateTimeOffset BeforeFrom,
    DateTimeOffset BeforeTo,
    DateTimeOffset AfterFrom,
    DateTimeOffset AfterTo,
    bool AfterComplete,
    ControlIndex Control,
    IReadOnlyList<FunctionImpact> Functions,
    bool Changed,
    string Verdict);

/// <summary>
/// Reads what <see cref="UpgradeImpact"/> needs for every class replacement the indexer recorded
/// (ciro.contract_classes): the upgraded contract's single-call transactions per function, and the control
/// contracts' transactions per call shape (first function, number of calls), in matched windows.
/// Windows: the after window is the <c>window</c> after the change block (the change block itself is left out of
/// both: its transactions may precede the upgrade); the before window is the same hours of the week one week
/// earlier ("hour-of-week") when that much history is stored and window ≤ 7 days, else the window just before the
/// change ("adjacent", which daily and weekly cycles can bias: the report says which).
/// </summary>
public sealed class UpgradeImpactQuery(NpgsqlDataSource dataSource)
{
    public const double Alpha = 0.05;
    public const long MinCalls = 30;

    private const string ChangesSql = """
        select ciro.felt_hex(c.contract), c.block_number, c.block_time,
               ciro.felt_hex(p.class_hash), pc.sierra_version, pc.compiler_version,
               ciro.felt_hex(c.class_hash), k.sierra_version, k.compiler_version
        from ciro.contract_classes c
        left join ciro.classes k on k.class_hash = c.class_hash
        left join lateral (select x.class_hash from ciro.contract_classes x
                           where x.contract = c.contract and x.block_number < c.block_number
                           order by x.block_number desc limit 1) p on true
        left join ciro.classes pc on pc.class_hash = p.class_hash
        where c.change = 'replaced' and ($1::bytea is null or c.contract = $1) and ($2::bigint is null or c.block_number = $2)
        order by c.block_number desc, c.contract
        limit 200
        """;

    /// <summary>$1..$4 the windows, $5 the change block, $6 the upgraded contract.</summary>
    private const string SeriesSql = """
        with calls as (
          select c.contract, coalesce(c.function_name, ciro.felt_hex(c.selector)) as function_name, c.call_count,
                 c.block_number > $5 as after, t.execution_status = 'SUCCEEDED' as ok, t.l2_gas
          from ciro.tx_calls c
          join ciro.transactions t on t.block_number = c.block_number and t.block_time = c.block_time and t.tx_index = c.tx_index
          where c.call_index = 0 and c.block_number <> $5
            and ((c.block_time >= $1 and c.block_time < $2) or (c.block_time >= $3 and c.block_time < $4))
            and (c.contract = $6 and c.call_count = 1
                 or c.contract <> $6
                    -- a control transaction must not touch the upgraded contract, nor a contract changed in the range
                    and not exists (select from ciro.tx_calls x where x.block_number = c.block_number and x.block_time = c.block_time
                                    and x.tx_index = c.tx_index and x.contract = $6)
                    and not exists (select from ciro.contract_classes k where k.contract = c.contract and k.change = 'replaced'
                                    and k.block_time >= $1 and k.block_time < $4)))
        select contract = $6, ciro.felt_hex(contract), function_name, call_count, after,
               count(*), count(*) filter (where not ok), count(*) filter (where ok),
               coalesce(avg(l2_gas) filter (where ok), 0)::float8, coalesce(var_samp(l2_gas) filter (where ok), 0)::float8
        from calls group by 1, 2, 3, 4, 5
        """;

    public async Task<IReadOnlyList<ClassChangeInfo>> ListChangesAsync(Felt? contract, long? block, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(ChangesSql);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea, Value = contract is { } c ? c.ToBytes() : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = block is { } b ? b : DBNull.Value });
        var result = new List<ClassChangeInfo>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            result.Add(new ClassChangeInfo(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2),
                Text(3), Text(4), Text(5), reader.GetString(6), Text(7), Text(8)));
        }
        return result;
    }

    public async Task<UpgradeReport> AnalyseAsync(ClassChangeInfo change, TimeSpan window, CancellationToken ct)
    {
        var (first, last) = await StoredRangeAsync(ct);
        var t = change.ChangedAt;
        var matched = window <= TimeSpan.FromDays(7) && first is { } f && f <= t.AddDays(-7);
        var beforeFrom = matched ? t.AddDays(-7) : t - window;
        var beforeTo = matched ? t.AddDays(-7) + window : t;
        var afterTo = t + window;

        var functions = new Dictionary<string, (WindowStats Before, WindowStats After)>();
        var controls = new Dictionary<string, (WindowStats Before, WindowStats After)>();
        await using (var command = dataSource.CreateCommand(SeriesSql))
        {
            command.Parameters.Add(new() { Value = beforeFrom });
            command.Parameters.Add(new() { Value = beforeTo });
            command.Parameters.Add(new() { Value = t });
            command.Parameters.Add(new() { Value = afterTo });
            command.Parameters.Add(new() { Value = change.Block });
            command.Parameters.Add(new() { Value = Felt.Parse(change.Contract).ToBytes() });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var treated = reader.GetBoolean(0);
                var name = treated ? reader.GetString(2) : $"{reader.GetString(1)}:{reader.GetString(2)}×{reader.GetInt32(3)}";
                var stats = new WindowStats(reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetDouble(8), reader.GetDouble(9));
                var target = treated ? functions : controls;
                var pair = target.TryGetValue(name, out var found) ? found : (Before: WindowStats.Empty, After: WindowStats.Empty);
                target[name] = reader.GetBoolean(4) ? (pair.Before, stats) : (stats, pair.After);
            }
        }
        var control = UpgradeImpact.Control(controls.Select(c => new SeriesWindows(c.Key, c.Value.Before, c.Value.After)), MinCalls);
        var impacts = UpgradeImpact.Analyse(
            functions.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new SeriesWindows(f.Key, f.Value.Before, f.Value.After)).ToList(),
            control, Alpha, MinCalls);
        var changed = impacts.Where(i => i.GasChanged || i.RevertRateEffect.ExcludesZero).ToList();
        var verdict = impacts.Count == 0
            ? $"not enough calls: no function has {MinCalls} successful single-call transactions in both windows"
            : changed.Count == 0
                ? $"no effect: every function's gas per call and revert rate are unchanged at α = {Alpha} (family-wise over {impacts.Count} functions)"
                : "changed: " + string.Join("; ", changed.Select(i => System.FormattableString.Invariant(
                    $"{i.Function} {i.GasEffect.Estimate:+#,0;-#,0;0} gas per call ({i.RelativeEffect:+0.0%;-0.0%}), [{i.GasEffect.Lower:#,0}, {i.GasEffect.Upper:#,0}]")));
        return new UpgradeReport(change, matched ? "hour-of-week" : "adjacent", beforeFrom, beforeTo, t, afterTo,
            last is { } l && l >= afterTo, control, impacts, changed.Count > 0, verdict);
    }

    private async Task<(DateTimeOffset? First, DateTimeOffset? Last)> StoredRangeAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select min(block_time), max(block_time) from ciro.blocks");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }
}
