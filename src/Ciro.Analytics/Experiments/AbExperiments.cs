using System.Globalization;
using Ciro.Analytics.Apis;
using Ciro.Analytics.Queries;
using Ciro.Starknet;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Ciro.Analytics.Experiments;

/// <summary>What an operator sends to create an A/B experiment. Everything but the name, the variants and the entry
/// point has a default; times are ISO 8601.</summary>
/// <param name="Name">A label for people (1–200 characters).</param>
/// <param name="VariantKind"><c>contract</c> (the variants are two deployments' addresses) or <c>class</c> (two class
/// hashes: a call belongs to the class its contract ran at the call's block).</param>
/// <param name="Control">Variant A: a contract address or class hash (0x felt).</param>
/// <param name="Treatment">Variant B, the change under test.</param>
/// <param name="EntryPoint">The function whose calls are the units: its name (e.g. submit_job_result) or its 0x selector.</param>
/// <param name="Metric">The primary metric per call: <c>l2Gas</c> (L2 gas of a single-call transaction).</param>
/// <param name="TreatmentShare">Planned share of units for B (the sample-ratio check's expectation), default 0.5.</param>
/// <param name="Alpha">Chance the interval ever misses the truth over all looks, default 0.05.</param>
/// <param name="MinimumEffect">Stop as "no meaningful effect" once the interval is inside ±this (metric units); default 0 (never).</param>
/// <param name="RevertRateTolerance">Guardrail: stop when B's revert rate is proven higher by more than this (0.01 = 1 point).</param>
/// <param name="PlannedUnitsPerArm">Units per arm where the interval should be tightest, default 10,000.</param>
/// <param name="StartTime">When the split starts (calls before it are not units).</param>
/// <param name="EndTime">Optional planned end; calls after it are not units.</param>
/// <param name="PrePeriodHours">Optional CUPED pre-period: each caller's mean metric in these hours before the start is its covariate.</param>
public sealed record CreateAbExperimentRequest(
    string? Name,
    string? VariantKind,
    string? Control,
    string? Treatment,
    string? EntryPoint,
    string? Metric,
    double? TreatmentShare,
    double? Alpha,
    double? MinimumEffect,
    double? RevertRateTolerance,
    long? PlannedUnitsPerArm,
    string? StartTime,
    string? EndTime,
    int? PrePeriodHours);

/// <summary>A stored A/B experiment: its plan and its lifecycle (running → stopped → archived).</summary>
public sealed record AbExperiment(
    long Id,
    string Name,
    string VariantKind,
    string Control,
    string Treatment,
    string EntryPoint,
    string Selector,
    string Metric,
    double TreatmentShare,
    double Alpha,
    double MinimumEffect,
    double RevertRateTolerance,
    long PlannedUnitsPerArm,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    int? PrePeriodHours,
    string Status,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    string? StoppedBy,
    DateTimeOffset? StoppedAt);

/// <summary>One arm at a look: units (single-call transactions of the entry point on the variant), how many reverted,
/// the metric over the successful ones, and how many distinct callers sent them.</summary>
public sealed record AbArm(string Variant, long Calls, long Reverted, long Succeeded, double Mean, double StandardDeviation, double RevertRate, long Callers);

/// <summary>The sample-ratio check as served (the observed share is null before any unit).</summary>
public sealed record AbSampleRatio(double PlannedTreatmentShare, double? ObservedTreatmentShare, double ChiSquare, double PValue, bool Mismatch);

/// <summary>One arm's latency: its units (jobs or calls) and their mean and standard deviation in seconds.</summary>
public sealed record AbLatencyArm(long Units, double MeanSeconds, double StandardDeviationSeconds);

/// <summary>Latency beside gas and revert rate, in seconds: the job completion time when the variants run jobs
/// (JobSubmitted → JobCompleted of the same job on the variant), else the inclusion time of the entry point's calls.</summary>
/// <param name="Kind"><c>jobCompletion</c> or <c>inclusion</c>.</param>
/// <param name="Difference">B − A in seconds, the same always-valid confidence sequence as the primary (no CUPED); null
/// until each arm has two units.</param>
/// <param name="OpenJobsControl">Jobs submitted to A in the window but not completed in it: not units (jobCompletion only).</param>
/// <param name="OpenJobsTreatment">The same for B.</param>
public sealed record AbLatency(string Kind, string Definition, AbLatencyArm Control, AbLatencyArm Treatment, EffectInterval? Difference,
    long OpenJobsControl, long OpenJobsTreatment);

/// <summary>The result of an experiment at this moment, from the indexed calls in [From, To).</summary>
/// <param name="Difference">B − A of the metric per call: the always-valid confidence sequence at level 1 − α (CUPED-adjusted when a pre-period is set).</param>
/// <param name="RevertRateDifference">B − A of the revert rate, same kind of interval: the guardrail.</param>
/// <param name="Guardrail"><c>ok</c>, or <c>breached</c> when the revert-rate interval lies above the tolerance.</param>
/// <param name="Latency">The secondary metric latency (reported, not a stopping rule).</param>
/// <param name="Decision">The stopping rule's answer: Continue, Effect, NoMeaningfulEffect, GuardrailBreached, SampleRatioMismatch, MaxSampleReached.</param>
public sealed record AbExperimentResult(
    AbExperiment Experiment,
    DateTimeOffset From,
    DateTimeOffset To,
    AbArm Control,
    AbArm Treatment,
    EffectInterval Difference,
    double? RelativeDifference,
    bool CupedApplied,
    double VarianceReduction,
    long CallersWithPrePeriod,
    EffectInterval RevertRateDifference,
    string Guardrail,
    AbLatency Latency,
    AbSampleRatio SampleRatio,
    string Decision,
    string Reason);

/// <summary>Validates, stores and evaluates operator-created A/B experiments (ciro.ab_experiments).</summary>
public sealed class AbExperimentStore(NpgsqlDataSource dataSource)
{
    public const int MaxPrePeriodHours = 24 * 28;
    public const string RunningStatus = "running";
    public const string StoppedStatus = "stopped";
    public const string ArchivedStatus = "archived";
    public static readonly string[] Statuses = [RunningStatus, StoppedStatus, ArchivedStatus];
    public const string JobCompletionLatency = "jobCompletion";
    public const string InclusionLatency = "inclusion";

    private const string Columns = """
        id, name, variant_kind, ciro.felt_hex(control_variant), ciro.felt_hex(treatment_variant), entry_point, ciro.felt_hex(selector), metric,
        treatment_share, alpha, minimum_effect, revert_rate_tolerance, planned_units_per_arm, start_time, end_time, pre_period_hours,
        status, created_by, created_at, stopped_by, stopped_at
        """;

    /// <summary>The validated plan, or the first bad field as a ProblemDetails naming it.</summary>
    public static ProblemDetails? Validate(CreateAbExperimentRequest? body, out ValidPlan plan)
    {
        plan = default!;
        if (body is null)
        {
            return ApiProblems.InvalidField("body", null, "must be a JSON object with name, variantKind, control, treatment and entryPoint");
        }
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return ApiProblems.InvalidField("name", body.Name, "must be 1 to 200 characters");
        }
        var kind = body.VariantKind ?? "contract";
        if (kind is not ("contract" or "class"))
        {
            return ApiProblems.InvalidField("variantKind", kind, "must be contract or class");
        }
        var what = kind == "contract" ? "a contract address" : "a class hash";
        if (!Felt.TryParse(body.Control, out var control) || control == Felt.Zero)
        {
            return ApiProblems.InvalidField("control", body.Control, $"must be {what} (0x-prefixed hex felt)");
        }
        if (!Felt.TryParse(body.Treatment, out var treatment) || treatment == Felt.Zero)
        {
            return ApiProblems.InvalidField("treatment", body.Treatment, $"must be {what} (0x-prefixed hex felt)");
        }
        if (treatment == control)
        {
            return ApiProblems.InvalidField("treatment", body.Treatment, "must differ from control");
        }
        var entryPoint = body.EntryPoint?.Trim();
        Felt selector;
        if (string.IsNullOrEmpty(entryPoint))
        {
            return ApiProblems.InvalidField("entryPoint", body.EntryPoint, "must be a function name or a 0x selector");
        }
        if (entryPoint.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            if (!Felt.TryParse(entryPoint, out selector))
            {
                return ApiProblems.InvalidField("entryPoint", entryPoint, "must be a function name or a 0x selector");
            }
        }
        else if (entryPoint.Length <= 200 && entryPoint.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            selector = Ciro.Starknet.Selector.FromName(entryPoint);
        }
        else
        {
            return ApiProblems.InvalidField("entryPoint", entryPoint, "must be a function name (letters, digits, _) or a 0x selector");
        }
        var metric = body.Metric ?? "l2Gas";
        if (metric != "l2Gas")
        {
            return ApiProblems.InvalidField("metric", metric, "must be l2Gas (L2 gas per call)");
        }
        var share = body.TreatmentShare ?? 0.5;
        if (!(share > 0 && share < 1))
        {
            return ApiProblems.InvalidField("treatmentShare", share, "must be strictly between 0 and 1");
        }
        var alpha = body.Alpha ?? 0.05;
        if (!(alpha >= 0.001 && alpha <= 0.2))
        {
            return ApiProblems.InvalidField("alpha", alpha, "must be in [0.001, 0.2]");
        }
        var minimumEffect = body.MinimumEffect ?? 0;
        if (!(minimumEffect >= 0) || double.IsInfinity(minimumEffect))
        {
            return ApiProblems.InvalidField("minimumEffect", minimumEffect, "must be a non-negative number (metric units)");
        }
        var tolerance = body.RevertRateTolerance ?? 0.01;
        if (!(tolerance >= 0 && tolerance < 1))
        {
            return ApiProblems.InvalidField("revertRateTolerance", tolerance, "must be in [0, 1)");
        }
        var planned = body.PlannedUnitsPerArm ?? 10_000;
        if (planned is < 10 or > 100_000_000)
        {
            return ApiProblems.InvalidField("plannedUnitsPerArm", planned, "must be in [10, 100000000]");
        }
        if (!TryTime(body.StartTime, out var start))
        {
            return ApiProblems.InvalidField("startTime", body.StartTime, "must be an ISO 8601 time with an offset (e.g. 2026-11-30T18:00:00Z)");
        }
        DateTimeOffset? end = null;
        if (body.EndTime is not null)
        {
            if (!TryTime(body.EndTime, out var e) || e <= start)
            {
                return ApiProblems.InvalidField("endTime", body.EndTime, "must be an ISO 8601 time after startTime");
            }
            end = e;
        }
        if (body.PrePeriodHours is { } hours && (hours < 1 || hours > MaxPrePeriodHours))
        {
            return ApiProblems.InvalidField("prePeriodHours", hours, $"must be a whole number of hours in [1, {MaxPrePeriodHours}]");
        }
        plan = new ValidPlan(name, kind, control, treatment, entryPoint, selector, metric, share, alpha, minimumEffect, tolerance, planned,
            start, end, body.PrePeriodHours);
        return null;
    }

    private static bool TryTime(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    public async Task<AbExperiment> CreateAsync(ValidPlan p, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            insert into ciro.ab_experiments (name, variant_kind, control_variant, treatment_variant, entry_point, selector, metric, treatment_share,
              alpha, minimum_effect, revert_rate_tolerance, planned_units_per_arm, start_time, end_time, pre_period_hours, created_by, created_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            returning {Columns}
            """);
        foreach (var value in new object?[] { p.Name, p.VariantKind, p.Control.ToBytes(), p.Treatment.ToBytes(), p.EntryPoint, p.Selector.ToBytes(), p.Metric,
                     p.TreatmentShare, p.Alpha, p.MinimumEffect, p.RevertRateTolerance, p.PlannedUnitsPerArm, p.StartTime })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)p.EndTime ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)p.PrePeriodHours ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = actor });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return Read(reader);
    }

    /// <summary>Experiments, newest start first; archived ones only when asked for by status.</summary>
    public async Task<IReadOnlyList<AbExperiment>> ListAsync(string? status, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select {Columns} from ciro.ab_experiments
            where ($1::text is null and status <> 'archived') or status = $1
            order by start_time desc, id desc limit 500
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var result = new List<AbExperiment>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(Read(reader));
        }
        return result;
    }

    /// <summary>The experiments running at some time in [from, to): started before its end, not stopped or ended before
    /// its start, not archived before it (a weekly report's "running and concluded").</summary>
    public async Task<IReadOnlyList<AbExperiment>> ActiveInAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select {Columns} from ciro.ab_experiments
            where start_time < $2 and coalesce(least(stopped_at, end_time), 'infinity') >= $1 and (archived_at is null or archived_at >= $1)
            order by start_time, id limit 100
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        var result = new List<AbExperiment>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(Read(reader));
        }
        return result;
    }

    public async Task<AbExperiment?> FindAsync(long id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from ciro.ab_experiments where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>running → stopped (the result window ends now), or running/stopped → archived (hidden from the default
    /// list). Null when the experiment is not in a state the change applies to.</summary>
    public async Task<AbExperiment?> ChangeStatusAsync(long id, string to, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var sql = to == StoppedStatus
            ? $"update ciro.ab_experiments set status = 'stopped', stopped_by = $2, stopped_at = $3 where id = $1 and status = 'running' returning {Columns}"
            : $"""
              update ciro.ab_experiments set status = 'archived', archived_at = $3,
                stopped_by = coalesce(stopped_by, $2), stopped_at = coalesce(stopped_at, $3)
              where id = $1 and status <> 'archived' returning {Columns}
              """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = actor });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static AbExperiment Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7),
        r.GetDouble(8), r.GetDouble(9), r.GetDouble(10), r.GetDouble(11), r.GetInt64(12), r.GetFieldValue<DateTimeOffset>(13),
        r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14), r.IsDBNull(15) ? null : r.GetInt32(15),
        r.GetString(16), r.GetString(17), r.GetFieldValue<DateTimeOffset>(18), r.IsDBNull(19) ? null : r.GetString(19),
        r.IsDBNull(20) ? null : r.GetFieldValue<DateTimeOffset>(20));

    /// <summary>Units per (arm, caller) in [start, end), with the caller's pre-period mean of the metric (successful calls
    /// of the entry point on either variant in [preStart, start)). $1 selector, $2 pre-period start (= start without
    /// one), $3 start, $4 end, $5 control, $6 treatment. {0} is the variant of a call: its contract, or the class its
    /// contract ran at the call's block.</summary>
    private const string UnitsSql = """
        with units as (
          select c.block_time >= $3 as in_experiment, {0} = $6 as treated, t.sender as caller,
                 t.execution_status = 'SUCCEEDED' as ok, t.l2_gas::float8 as y
          from ciro.tx_calls c
          join ciro.transactions t on t.block_number = c.block_number and t.block_time = c.block_time and t.tx_index = c.tx_index
          {1}
          where c.call_index = 0 and c.call_count = 1 and c.selector = $1 and c.block_time >= $2 and c.block_time < $4
            and {0} in ($5, $6)
        ), pre as (
          select caller, avg(y) as x from units where not in_experiment and ok group by caller
        )
        select u.treated, count(*), count(*) filter (where not u.ok), count(*) filter (where u.ok),
               coalesce(avg(u.y) filter (where u.ok), 0)::float8, coalesce(var_samp(u.y) filter (where u.ok), 0)::float8, p.x::float8,
               ciro.felt_hex(u.caller)
        from units u left join pre p on p.caller is not distinct from u.caller
        where u.in_experiment
        group by u.treated, u.caller, p.x
        """;

    /// <summary>The class the contract of row <paramref name="alias"/> ran at that row's block, as <c>k.class_hash</c>.</summary>
    private static string ClassJoin(string alias) => $"""
        left join lateral (select k.class_hash from ciro.contract_classes k
                           where k.contract = {alias}.contract and k.block_number <= {alias}.block_number
                           order by k.block_number desc limit 1) k on true
        """;

    /// <summary>Job completion time per arm: jobs whose JobSubmitted ($5, the event's selector) a variant emitted in
    /// [$1, $2), and the seconds to the first JobCompleted ($6) of the same job on the same contract before $2. Read by
    /// selector and raw keys (keys[2], keys[3]: the u256 job id after the selector key), so a second deployment the
    /// indexer has no ABI for counts too. Returns per arm the jobs submitted, the completed ones, and their mean and
    /// sample variance. $3 control, $4 treatment; {0} the variant of event s.</summary>
    private const string JobLatencySql = """
        with submitted as (
          select {0} = $4 as treated, s.contract, s.keys[2:3] as job_id, min(s.block_time) as submitted_at
          from ciro.events s
          {1}
          where s.selector = $5 and cardinality(s.keys) >= 3 and s.block_time >= $1 and s.block_time < $2
            and {0} in ($3, $4)
          group by 1, 2, 3
        ), completed as (
          select c.contract, c.keys[2:3] as job_id, min(c.block_time) as completed_at
          from ciro.events c
          where c.selector = $6 and cardinality(c.keys) >= 3 and c.block_time >= $1 and c.block_time < $2
            and c.contract in (select distinct contract from submitted)
          group by 1, 2
        ), jobs as (
          select j.treated, extract(epoch from d.completed_at - j.submitted_at)::float8 as y
          from submitted j left join completed d on d.contract = j.contract and d.job_id = j.job_id and d.completed_at >= j.submitted_at
        )
        select treated, count(*), count(y), coalesce(avg(y), 0)::float8, coalesce(var_samp(y), 0)::float8 from jobs group by treated
        """;

    /// <summary>Inclusion time per arm: for each single call of the entry point ($5) on a variant in [$1, $2), its block's
    /// time minus the previous block's. {0} the variant of call c.</summary>
    private const string InclusionSql = """
        select {0} = $4 as treated, count(*), count(*), coalesce(avg(y), 0)::float8, coalesce(var_samp(y), 0)::float8
        from (
          select c.contract, c.block_number, extract(epoch from c.block_time - p.block_time)::float8 as y
          from ciro.tx_calls c
          join lateral (select b.block_time from ciro.blocks b where b.block_number = c.block_number - 1 and b.block_time <= c.block_time
                        order by b.block_time desc limit 1) p on true
          where c.call_index = 0 and c.call_count = 1 and c.selector = $5 and c.block_time >= $1 and c.block_time < $2
        ) c
        {1}
        where {0} in ($3, $4)
        group by 1
        """;

    /// <summary>The experiment's result now (or as of <paramref name="asOf"/>, e.g. a report's week end): its window
    /// ends at the earliest of its end time, the time it was stopped, just after the newest indexed block and asOf.</summary>
    public async Task<AbExperimentResult> EvaluateAsync(AbExperiment e, CancellationToken ct, DateTimeOffset? asOf = null)
    {
        var newest = await NewestBlockTimeAsync(ct);
        var to = new[] { e.EndTime, e.StoppedAt, newest?.AddSeconds(1), asOf }.Where(t => t is not null).Select(t => t!.Value).DefaultIfEmpty(e.StartTime).Min();
        if (to < e.StartTime)
        {
            to = e.StartTime;
        }
        var preStart = e.PrePeriodHours is { } h ? e.StartTime.AddHours(-h) : e.StartTime;
        var sql = e.VariantKind == "class"
            ? string.Format(CultureInfo.InvariantCulture, UnitsSql, "k.class_hash", ClassJoin("c"))
            : string.Format(CultureInfo.InvariantCulture, UnitsSql, "c.contract", "");
        var groups = new List<CallerUnits>();
        await using (var command = dataSource.CreateCommand(sql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Felt.Parse(e.Selector).ToBytes() });
            command.Parameters.Add(new NpgsqlParameter { Value = preStart });
            command.Parameters.Add(new NpgsqlParameter { Value = e.StartTime });
            command.Parameters.Add(new NpgsqlParameter { Value = to });
            command.Parameters.Add(new NpgsqlParameter { Value = Felt.Parse(e.Control).ToBytes() });
            command.Parameters.Add(new NpgsqlParameter { Value = Felt.Parse(e.Treatment).ToBytes() });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                groups.Add(new CallerUnits(reader.GetBoolean(0), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetInt64(1), reader.GetInt64(2),
                    reader.GetInt64(3), reader.GetDouble(4), reader.GetDouble(5), reader.IsDBNull(6) ? null : reader.GetDouble(6)));
            }
        }
        return Evaluate(e, e.StartTime, to, groups, await LatencyAsync(e, to, ct));
    }

    /// <summary>The variants' job completion times in [start, to) when they emitted JobSubmitted in it, else the
    /// inclusion times of the entry point's calls.</summary>
    private async Task<LatencySample> LatencyAsync(AbExperiment e, DateTimeOffset to, CancellationToken ct)
    {
        var byClass = e.VariantKind == "class";
        var jobs = await LatencyArmsAsync(string.Format(CultureInfo.InvariantCulture, JobLatencySql, byClass ? "k.class_hash" : "s.contract", byClass ? ClassJoin("s") : ""),
            e, to, [JobSubmittedSelector, JobCompletedSelector], ct);
        if (jobs.Submitted > 0)
        {
            return jobs with { Kind = JobCompletionLatency };
        }
        var calls = await LatencyArmsAsync(string.Format(CultureInfo.InvariantCulture, InclusionSql, byClass ? "k.class_hash" : "c.contract", byClass ? ClassJoin("c") : ""),
            e, to, [Felt.Parse(e.Selector)], ct);
        return calls with { Kind = InclusionLatency };
    }

    private static readonly Felt JobSubmittedSelector = Ciro.Starknet.Selector.FromName(CiroEvents.JobSubmitted);
    private static readonly Felt JobCompletedSelector = Ciro.Starknet.Selector.FromName(CiroEvents.JobCompleted);

    private async Task<LatencySample> LatencyArmsAsync(string sql, AbExperiment e, DateTimeOffset to, Felt[] selectors, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = e.StartTime });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        command.Parameters.Add(new NpgsqlParameter { Value = Felt.Parse(e.Control).ToBytes() });
        command.Parameters.Add(new NpgsqlParameter { Value = Felt.Parse(e.Treatment).ToBytes() });
        foreach (var selector in selectors)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = selector.ToBytes() });
        }
        var sample = new LatencySample("", new ArmMoments(), new ArmMoments(), 0, 0, 0);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (treated, submitted, units) = (reader.GetBoolean(0), reader.GetInt64(1), reader.GetInt64(2));
            var moments = ArmMoments.Group(units, reader.GetDouble(3), reader.GetDouble(4), 0);
            sample = treated
                ? sample with { Treatment = moments, OpenTreatment = submitted - units, Submitted = sample.Submitted + submitted }
                : sample with { Control = moments, OpenControl = submitted - units, Submitted = sample.Submitted + submitted };
        }
        return sample;
    }

    /// <summary>The statistics on per-(arm, caller) groups: callers without a pre-period get the pooled mean of X
    /// (no adjustment, still unbiased), as Cuped assumes.</summary>
    public static AbExperimentResult Evaluate(AbExperiment e, DateTimeOffset from, DateTimeOffset to,
        IReadOnlyList<CallerUnits> groups, LatencySample latency)
    {
        var withX = groups.Where(g => g.X is not null && g.Succeeded > 0).ToList();
        var meanX = withX.Count > 0 ? withX.Sum(g => g.X!.Value * g.Succeeded) / withX.Sum(g => g.Succeeded) : 0;
        var arms = new[] { false, true }.Select(treated =>
        {
            var mine = groups.Where(g => g.Treated == treated).ToList();
            var moments = new ArmMoments();
            foreach (var g in mine.Where(g => g.Succeeded > 0))
            {
                moments.Merge(ArmMoments.Group(g.Succeeded, g.Mean, g.Variance, g.X ?? meanX));
            }
            var calls = mine.Sum(g => g.Calls);
            var reverted = mine.Sum(g => g.Reverted);
            var arm = new AbArm(treated ? e.Treatment : e.Control, calls, reverted, mine.Sum(g => g.Succeeded), moments.MeanY,
                Math.Sqrt(moments.VarianceY), calls > 0 ? (double)reverted / calls : 0, mine.Count);
            return (Arm: arm, Observation: new ArmObservation(moments, calls, reverted));
        }).ToArray();
        var plan = new ExperimentPlan
        {
            Alpha = e.Alpha,
            TreatmentShare = e.TreatmentShare,
            PlannedUnitsPerArm = e.PlannedUnitsPerArm,
            MinimumEffect = e.MinimumEffect,
            RevertRateTolerance = e.RevertRateTolerance,
        };
        var look = SequentialTest.Evaluate(plan, arms[0].Observation, arms[1].Observation);
        var srm = look.SampleRatio;
        return new AbExperimentResult(e, from, to, arms[0].Arm, arms[1].Arm, look.Difference, look.RelativeDifference, look.CupedApplied,
            look.VarianceReduction, withX.Select(g => g.Caller).Distinct().LongCount(), look.RevertRateDifference,
            look.RevertRateDifference.Lower > e.RevertRateTolerance ? "breached" : "ok",
            Latency(plan, latency),
            new AbSampleRatio(srm.ExpectedTreatmentShare, double.IsNaN(srm.ObservedTreatmentShare) ? null : srm.ObservedTreatmentShare, srm.ChiSquare, srm.PValue, srm.Mismatch),
            look.Decision.ToString(), look.Reason);
    }

    private static AbLatency Latency(ExperimentPlan plan, LatencySample s) => new(
        s.Kind,
        s.Kind == JobCompletionLatency
            ? "seconds from a job's JobSubmitted on the variant to its JobCompleted there; jobs still open at the window's end are not units"
            : "seconds from the previous block to the block of each call of the entry point (the chain records no submission time)",
        Arm(s.Control), Arm(s.Treatment), SequentialTest.SecondaryDifference(plan, s.Control, s.Treatment), s.OpenControl, s.OpenTreatment);

    private static AbLatencyArm Arm(ArmMoments m) => new(m.Count, m.MeanY, Math.Sqrt(m.VarianceY));

    private async Task<DateTimeOffset?> NewestBlockTimeAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select max(block_time) from ciro.blocks");
        var value = await command.ExecuteScalarAsync(ct);
        return value is DateTime dt ? new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)) : value is DateTimeOffset dto ? dto : null;
    }
}

/// <summary>The units one caller sent to one arm: calls, reverted, the metric's mean and sample variance over the
/// successful ones, and the caller's pre-period mean of the metric (null without one).</summary>
public sealed record CallerUnits(bool Treated, string? Caller, long Calls, long Reverted, long Succeeded, double Mean, double Variance, double? X);

/// <summary>Latency units per arm (moments in seconds), and for job completion the jobs submitted and still open.</summary>
public sealed record LatencySample(string Kind, ArmMoments Control, ArmMoments Treatment, long Submitted, long OpenControl, long OpenTreatment);

/// <summary>A create request that passed validation.</summary>
public sealed record ValidPlan(string Name, string VariantKind, Felt Control, Felt Treatment, string EntryPoint, Felt Selector, string Metric,
    double TreatmentShare, double Alpha, double MinimumEffect, double RevertRateTolerance, long PlannedUnitsPerArm,
    DateTimeOffset StartTime, DateTimeOffset? EndTime, int? PrePeriodHours);
