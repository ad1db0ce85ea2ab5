using System.Text.Json;
using Ciro.Alerts.Delivery;
using Ciro.Messages;
using Ciro.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Alerts.Incidents;

/// <summary>The result of an operator's transition: done, unknown incident, or not possible in its state.</summary>
public abstract record TransitionResult
{
    public sealed record Done(Incident Incident) : TransitionResult;

    public sealed record NotFound : TransitionResult;

    public sealed record Conflict(string Reason) : TransitionResult;
}

/// <summary>Filter of <see cref="IncidentStore.ListAsync"/>; null fields do not filter.</summary>
public sealed record IncidentFilter(string? State, string? Severity, string? Rule, IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset? From, DateTimeOffset? To, int Limit);

/// <summary>
/// Incidents in PostgreSQL. Every transition (firing, acknowledged, resolved, escalated, re-triggered) commits in one
/// transaction with its audit row in alerts.incident_events, its <see cref="IncidentChanged"/> notification (so the
/// dashboard hears of exactly the changes that are stored) and the outbox rows of the notices it owes (so a crash
/// after the commit cannot lose one, and a transition two replicas attempt at once happens once: the row is locked
/// and its state checked inside the transaction).
/// </summary>
public sealed class IncidentStore(
    NpgsqlDataSource dataSource,
    NotificationOutbox outbox,
    AlertGroups groups,
    IOptionsMonitor<IncidentOptions> options,
    EscalationPolicies policies,
    TimeProvider time,
    AlertsMetrics metrics,
    ILogger<IncidentStore> logger)
{
    private const string Columns = """
        id, dedup_key, rule, rule_kind, severity, state, summary, labels::text, observed, expected, dashboard_url,
        coalesce(since, started_at), started_at, coalesce(last_seen_at, started_at), repeats, acknowledged_at, acknowledged_by,
        resolved_at, resolved_by, escalation_policy, escalation_step, next_escalation_at, suppressed_by
        """;

    /// <summary>Opens an incident for <paramref name="signal"/> (audited, its first notice enqueued unless a silence,
    /// a critical incident or a mute window holds it back), or counts a repeat on the open one with the same dedup key.
    /// A repeat of an incident held back whose silence or inhibition has ended sends the first notice then.</summary>
    public async Task<(Incident Incident, bool Opened)> OpenOrRepeatAsync(AlertSignal signal, CancellationToken ct)
    {
        await policies.RefreshAsync(ct);
        // Two evaluators opening the same key at once: the loser's insert does nothing and it counts a repeat instead.
        for (var attempt = 0; ; attempt++)
        {
            var result = await TryOpenOrRepeatAsync(signal, ct);
            if (result is not null || attempt == 2)
            {
                return result ?? throw new InvalidOperationException($"incident {signal.DedupKey} neither opened nor found open");
            }
        }
    }

    private async Task<(Incident, bool)?> TryOpenOrRepeatAsync(AlertSignal signal, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var severity = signal.Severity.ToString().ToLowerInvariant();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        await using (var repeat = new NpgsqlCommand($"""
            update alerts.incidents set repeats = repeats + 1, last_seen_at = $2, summary = $3, observed = $4, expected = $5, updated_at = now()
            where dedup_key = $1 and state <> 'resolved' returning {Columns}
            """, connection, tx))
        {
            repeat.Parameters.AddWithValue(signal.DedupKey);
            repeat.Parameters.AddWithValue(now);
            repeat.Parameters.AddWithValue(signal.Summary);
            repeat.Parameters.AddWithValue(signal.Observed);
            repeat.Parameters.AddWithValue(signal.Expected);
            var repeated = await ReadOneAsync(repeat, ct);
            if (repeated is not null)
            {
                if (repeated.SuppressedBy is { } heldBy && repeated.State == "firing" && await SuppressionAsync(connection, tx, repeated, now, ct) is null)
                {
                    repeated = await ReleaseAsync(connection, tx, repeated, heldBy, now, ct);
                }
                await tx.CommitAsync(ct);
                outbox.Committed();
                return (repeated, false);
            }
        }

        Incident incident;
        await using (var insert = new NpgsqlCommand($"""
            insert into alerts.incidents (id, dedup_key, rule, rule_kind, severity, state, summary, labels, observed, expected,
              dashboard_url, since, started_at, last_seen_at)
            values ($1, $2, $3, $4, $5, 'firing', $6, $7, $8, $9, $10, $11, $12, $12)
            on conflict (dedup_key) where state <> 'resolved' do nothing returning {Columns}
            """, connection, tx))
        {
            insert.Parameters.AddWithValue(Guid.CreateVersion7());
            insert.Parameters.AddWithValue(signal.DedupKey);
            insert.Parameters.AddWithValue(signal.RuleId);
            insert.Parameters.AddWithValue(signal.RuleKind);
            insert.Parameters.AddWithValue(severity);
            insert.Parameters.AddWithValue(signal.Summary);
            insert.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(signal.Labels));
            insert.Parameters.AddWithValue(signal.Observed);
            insert.Parameters.AddWithValue(signal.Expected);
            insert.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)signal.DashboardUrl ?? DBNull.Value);
            insert.Parameters.AddWithValue(signal.Since);
            insert.Parameters.AddWithValue(now);
            var opened = await ReadOneAsync(insert, ct);
            if (opened is null)
            {
                await tx.RollbackAsync(ct);
                return null;
            }
            incident = opened;
        }

        await AuditAsync(connection, tx, incident.Id, 1, "firing", RuleActor(incident), signal.Summary, now, ct);
        await connection.NotifyAsync(tx, Changed(incident, IncidentState.Firing, now), ct);
        if (await SuppressionAsync(connection, tx, incident, now, ct) is { } reason)
        {
            await ExecuteAsync(connection, tx, "update alerts.incidents set suppressed_by = $2 where id = $1", ct, incident.Id, reason);
            await AuditAsync(connection, tx, incident.Id, 1, "suppressed", "alerts", reason, now, ct);
            incident = incident with { SuppressedBy = reason };
            logger.LogInformation("Incident {IncidentId} ({DedupKey}) opened without a notice: {Reason}", incident.Id, incident.DedupKey, reason);
        }
        else
        {
            incident = await StartNoticesAsync(connection, tx, incident, IncidentTransition.Firing, 1, RuleActor(incident), null, now, ct);
        }
        await tx.CommitAsync(ct);
        outbox.Committed();
        metrics.IncidentsOpened.Add(1, new KeyValuePair<string, object?>("rule", incident.Rule), new KeyValuePair<string, object?>("severity", incident.Severity));
        logger.LogWarning("Incident {IncidentId} firing: {DedupKey} — {Summary} (observed {Observed}, expected {Expected})",
            incident.Id, incident.DedupKey, incident.Summary, incident.Observed, incident.Expected);
        return (incident, true);
    }

    /// <summary>Resolves the open incident of <paramref name="dedupKey"/> because its rule recovered; null when none
    /// is open (never opened, or another replica resolved it first), in which case nothing is notified.</summary>
    public async Task<Incident?> ResolveAsync(string dedupKey, string ruleId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var open = await LockAsync(connection, tx, "dedup_key = $1 and state <> 'resolved'", dedupKey, ct);
        if (open is null)
        {
            return null;
        }
        var resolved = await ResolveLockedAsync(connection, tx, open, $"rule:{ruleId}", "condition no longer holds", ct);
        await tx.CommitAsync(ct);
        outbox.Committed();
        return resolved;
    }

    /// <summary>An operator resolves an incident (with a note); it stays resolved even if the condition holds: the
    /// rule's next breach opens a new incident.</summary>
    public Task<TransitionResult> ResolveAsync(Guid id, string actor, string? note, CancellationToken ct) =>
        TransitionAsync(id, async (connection, tx, incident) => incident.State == "resolved"
            ? new TransitionResult.Conflict($"incident {id} was resolved at {incident.ResolvedAt:u} by {incident.ResolvedBy}")
            : new TransitionResult.Done(await ResolveLockedAsync(connection, tx, incident, actor, note, ct)), ct);

    /// <summary>An operator takes an incident (with a comment): escalation stops; if the policy has an
    /// acknowledgement timeout and the incident is still open then, it triggers again.</summary>
    public async Task<TransitionResult> AcknowledgeAsync(Guid id, string actor, string? comment, CancellationToken ct)
    {
        await policies.RefreshAsync(ct);
        return await TransitionAsync(id, async (connection, tx, incident) =>
        {
            if (incident.State != "firing")
            {
                return new TransitionResult.Conflict(incident.State == "resolved"
                    ? $"incident {id} was resolved at {incident.ResolvedAt:u} by {incident.ResolvedBy}"
                    : $"incident {id} was acknowledged at {incident.AcknowledgedAt:u} by {incident.AcknowledgedBy}");
            }
            var now = time.GetUtcNow();
            var timeout = policies.Policy(incident.EscalationPolicy)?.AckTimeout;
            var sequence = await NextSequenceAsync(connection, tx, incident.Id, ct);
            await ExecuteAsync(connection, tx, """
                update alerts.incidents set state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, next_escalation_at = $4, updated_at = now()
                where id = $1
                """, ct, incident.Id, now, actor, (object?)(now + timeout) ?? DBNull.Value);
            var acknowledged = incident with { State = "acknowledged", AcknowledgedAt = now, AcknowledgedBy = actor, NextEscalationAt = now + timeout };
            await AuditAsync(connection, tx, incident.Id, sequence, "acknowledged", actor, comment, now, ct);
            await connection.NotifyAsync(tx, Changed(acknowledged, IncidentState.Acknowledged, now), ct);
            await EnqueueFollowUpAsync(connection, tx, acknowledged, IncidentTransition.Acknowledged, sequence, actor, comment, ct);
            metrics.IncidentsAcknowledged.Add(1, new KeyValuePair<string, object?>("rule", incident.Rule));
            metrics.TimeToAcknowledge.Record((now - incident.StartedAt).TotalSeconds, new KeyValuePair<string, object?>("severity", incident.Severity));
            logger.LogInformation("Incident {IncidentId} acknowledged by {Actor}", incident.Id, actor);
            return new TransitionResult.Done(acknowledged);
        }, ct);
    }

    /// <summary>Runs the escalation step or acknowledgement timeout that is due on one incident (locked, so two
    /// replicas never both run it); false when none is due.</summary>
    public async Task<bool> EscalateNextDueAsync(CancellationToken ct)
    {
        await policies.RefreshAsync(ct);
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        Incident? due;
        await using (var claim = new NpgsqlCommand($"""
            select {Columns} from alerts.incidents where next_escalation_at <= $1 and state <> 'resolved'
            order by next_escalation_at limit 1 for update skip locked
            """, connection, tx))
        {
            claim.Parameters.AddWithValue(now);
            due = await ReadOneAsync(claim, ct);
        }
        if (due is null)
        {
            return false;
        }
        var policy = policies.Policy(due.EscalationPolicy);
        if (policy is null)
        {
            // The policy left the configuration or was deleted through the API: nothing more to send.
            await ExecuteAsync(connection, tx, "update alerts.incidents set next_escalation_at = null where id = $1", ct, due.Id);
            logger.LogWarning("Incident {IncidentId}: escalation policy '{Policy}' is no longer configured; escalation stopped", due.Id, due.EscalationPolicy);
        }
        else if (due.State == "acknowledged")
        {
            var sequence = await NextSequenceAsync(connection, tx, due.Id, ct);
            await ExecuteAsync(connection, tx, """
                update alerts.incidents set state = 'firing', acknowledged_at = null, acknowledged_by = null, escalation_step = 0, escalation_round = 0,
                  updated_at = now() where id = $1
                """, ct, due.Id);
            var comment = $"acknowledged by {due.AcknowledgedBy} at {due.AcknowledgedAt:u}, still open after {policy.AckTimeout}";
            var retriggered = due with { State = "firing", AcknowledgedAt = null, AcknowledgedBy = null };
            await AuditAsync(connection, tx, due.Id, sequence, "retriggered", "ack-timeout", comment, now, ct);
            await connection.NotifyAsync(tx, Changed(retriggered, IncidentState.Firing, now), ct);
            await StartNoticesAsync(connection, tx, retriggered, IncidentTransition.Retriggered, sequence, "ack-timeout", comment, now, ct);
            metrics.IncidentsRetriggered.Add(1, new KeyValuePair<string, object?>("rule", due.Rule));
            logger.LogWarning("Incident {IncidentId} triggered again: {Comment}", due.Id, comment);
        }
        else
        {
            var sequence = await NextSequenceAsync(connection, tx, due.Id, ct);
            var step = Math.Min(due.EscalationStep, policy.Steps.Count - 1);
            var comment = $"step {step + 1} of {policy.Steps.Count} of policy '{policy.Name}'";
            await AuditAsync(connection, tx, due.Id, sequence, "escalated", $"escalation:{policy.Name}", comment, now, ct);
            var message = AlertMessage.From(due, IncidentTransition.Escalated, sequence, $"escalation:{policy.Name}", comment, step);
            await outbox.EnqueueAsync(connection, tx, message, [.. Targets(policy.Steps[step])], ct);
            // The next step is due a delay after this one was due, not after this sweep ran: a late sweep does not
            // push every later step back.
            await ScheduleAfterAsync(connection, tx, due.Id, policy, step, await RoundAsync(connection, tx, due.Id, ct), due.NextEscalationAt!.Value, ct);
            metrics.Escalations.Add(1, new KeyValuePair<string, object?>("policy", policy.Name));
            logger.LogWarning("Incident {IncidentId} escalated: {Comment}", due.Id, comment);
        }
        await tx.CommitAsync(ct);
        outbox.Committed();
        return true;
    }

    public async Task<Incident?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from alerts.incidents where id = $1");
        command.Parameters.AddWithValue(id);
        return await ReadOneAsync(command, ct);
    }

    public async Task<IReadOnlyList<Incident>> ListAsync(IncidentFilter filter, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select {Columns} from alerts.incidents
            where ($1::text is null or state = $1 or ($1 = 'open' and state <> 'resolved'))
              and ($2::text is null or severity = $2) and ($3::text is null or rule = $3) and labels @> $4
              and ($5::timestamptz is null or started_at >= $5) and ($6::timestamptz is null or started_at < $6)
            order by started_at desc limit $7
            """);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)filter.State ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)filter.Severity ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)filter.Rule ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(filter.Labels));
        command.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, (object?)filter.From ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, (object?)filter.To ?? DBNull.Value);
        command.Parameters.AddWithValue(filter.Limit);
        var list = new List<Incident>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(Read(reader));
        }
        return list;
    }

    /// <summary>Every transition (who, comment) and every delivery attempt of an incident, oldest first.</summary>
    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select at, kind, actor, comment, null, null, null::boolean, null::integer, 0 as source, sequence from alerts.incident_events where incident_id = $1
            union all
            select at, 'delivery:' || kind, 'alerts', error, channel, target, succeeded, attempts, 1, 0 from alerts.deliveries where incident_id = $1
            order by 1, 9, 10
            """);
        command.Parameters.AddWithValue(id);
        var entries = new List<TimelineEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new TimelineEntry(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetBoolean(6),
                reader.IsDBNull(7) ? null : reader.GetInt32(7)));
        }
        return entries;
    }

    /// <summary>Mean time to acknowledge and to resolve (seconds) over the incidents that started in [from, to).</summary>
    public async Task<IncidentStats> StatsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select count(*), count(*) filter (where state <> 'resolved'),
              count(acknowledged_at), avg(extract(epoch from acknowledged_at - started_at))::float8,
              count(resolved_at), avg(extract(epoch from resolved_at - started_at))::float8
            from alerts.incidents where started_at >= $1 and started_at < $2
            """);
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(to);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new IncidentStats(from, to, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2),
            reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetDouble(5));
    }

    private async Task<TransitionResult> TransitionAsync(Guid id, Func<NpgsqlConnection, NpgsqlTransaction, Incident, Task<TransitionResult>> apply, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var incident = await LockAsync(connection, tx, "id = $1", id, ct);
        if (incident is null)
        {
            return new TransitionResult.NotFound();
        }
        var result = await apply(connection, tx, incident);
        if (result is TransitionResult.Done)
        {
            await tx.CommitAsync(ct);
            outbox.Committed();
        }
        return result;
    }

    private async Task<Incident> ResolveLockedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Incident incident, string actor, string? note, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var sequence = await NextSequenceAsync(connection, tx, incident.Id, ct);
        await ExecuteAsync(connection, tx, """
            update alerts.incidents set state = 'resolved', resolved_at = $2, resolved_by = $3, next_escalation_at = null, updated_at = now() where id = $1
            """, ct, incident.Id, now, actor);
        var resolved = incident with { State = "resolved", ResolvedAt = now, ResolvedBy = actor, NextEscalationAt = null };
        await AuditAsync(connection, tx, incident.Id, sequence, "resolved", actor, note, now, ct);
        await connection.NotifyAsync(tx, Changed(resolved, IncidentState.Resolved, now), ct);
        await EnqueueFollowUpAsync(connection, tx, resolved, IncidentTransition.Resolved, sequence, actor, note, ct);
        metrics.IncidentsResolved.Add(1, new KeyValuePair<string, object?>("rule", incident.Rule), new KeyValuePair<string, object?>("by", actor.StartsWith("rule:", StringComparison.Ordinal) ? "rule" : "operator"));
        metrics.TimeToResolve.Record((now - incident.StartedAt).TotalSeconds, new KeyValuePair<string, object?>("severity", incident.Severity));
        logger.LogInformation("Incident {IncidentId} resolved by {Actor}", incident.Id, actor);
        return resolved;
    }

    /// <summary>The first notice (or a re-trigger's): to every channel's recipients when no policy applies, else to
    /// the policy's step 0, with the next step scheduled.</summary>
    private async Task<Incident> StartNoticesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Incident incident, IncidentTransition transition,
        int sequence, string actor, string? comment, DateTimeOffset now, CancellationToken ct)
    {
        var policy = policies.PolicyFor(incident.Labels, incident.Severity);
        var message = AlertMessage.From(incident, transition, sequence, transition == IncidentTransition.Firing ? null : actor, comment);
        if (policy is null)
        {
            await ExecuteAsync(connection, tx, "update alerts.incidents set escalation_policy = null, next_escalation_at = null where id = $1", ct, incident.Id);
            // With grouping on, the group's next flush announces it together with its group's other incidents.
            if (!await groups.JoinAsync(connection, tx, incident, now, ct))
            {
                await outbox.EnqueueAsync(connection, tx, message, ct);
            }
            return incident with { EscalationPolicy = null, NextEscalationAt = null };
        }
        await outbox.EnqueueAsync(connection, tx, message, [.. Targets(policy.Steps[0])], ct);
        await ExecuteAsync(connection, tx, "update alerts.incidents set escalation_policy = $2 where id = $1", ct, incident.Id, policy.Name);
        var next = await ScheduleAfterAsync(connection, tx, incident.Id, policy, 0, 0, now, ct);
        return incident with { EscalationPolicy = policy.Name, EscalationStep = next.Step, NextEscalationAt = next.At };
    }

    /// <summary>After step <paramref name="fired"/> of round <paramref name="round"/> went out at <paramref name="firedAt"/>:
    /// the next step, the first step of the next round, or nothing more.</summary>
    private static async Task<(int Step, DateTimeOffset? At)> ScheduleAfterAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id,
        EscalationPolicy policy, int fired, int round, DateTimeOffset firedAt, CancellationToken ct)
    {
        var at = firedAt + policy.Steps[fired].Delay;
        (int Step, int Round, DateTimeOffset? At) next =
            fired + 1 < policy.Steps.Count ? (fired + 1, round, at)
            : round < policy.Repeat ? (0, round + 1, at)
            : (policy.Steps.Count, round, null);
        await ExecuteAsync(connection, tx, "update alerts.incidents set escalation_step = $2, escalation_round = $3, next_escalation_at = $4 where id = $1",
            ct, id, next.Step, next.Round, (object?)next.At ?? DBNull.Value);
        return (next.Step, next.At);
    }

    private static async Task<int> RoundAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select escalation_round from alerts.incidents where id = $1", connection, tx);
        command.Parameters.AddWithValue(id);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Acknowledged and resolved notices go to whoever heard of the incident: every channel's recipients
    /// without a policy, the targets of the steps sent so far with one; nothing when no notice went out.</summary>
    private async Task EnqueueFollowUpAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Incident incident, IncidentTransition transition,
        int sequence, string actor, string? comment, CancellationToken ct)
    {
        if (incident.SuppressedBy is not null)
        {
            return;
        }
        var message = AlertMessage.From(incident, transition, sequence, actor, comment);
        var policy = policies.Policy(incident.EscalationPolicy);
        if (policy is null)
        {
            // A grouped incident's resolution is announced by its group's next flush.
            if (transition != IncidentTransition.Resolved || !await AlertGroups.IsGroupedAsync(connection, tx, incident.Id, ct))
            {
                await outbox.EnqueueAsync(connection, tx, message, ct);
            }
            return;
        }
        var round = await RoundAsync(connection, tx, incident.Id, ct);
        var sent = round > 0 ? policy.Steps.Count : Math.Max(1, incident.EscalationStep);
        await outbox.EnqueueAsync(connection, tx, message, policy.Steps.Take(sent).SelectMany(Targets).Distinct().ToList(), ct);
    }

    /// <summary>The incident's first notice was held back and nothing holds it any more: send it now.</summary>
    private async Task<Incident> ReleaseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Incident incident, string heldBy, DateTimeOffset now, CancellationToken ct)
    {
        var sequence = await NextSequenceAsync(connection, tx, incident.Id, ct);
        await ExecuteAsync(connection, tx, "update alerts.incidents set suppressed_by = null where id = $1", ct, incident.Id);
        var released = incident with { SuppressedBy = null };
        await AuditAsync(connection, tx, incident.Id, sequence, "firing", RuleActor(incident), $"no longer held back ({heldBy})", now, ct);
        logger.LogInformation("Incident {IncidentId} no longer held back ({HeldBy}): notifying", incident.Id, heldBy);
        return await StartNoticesAsync(connection, tx, released, IncidentTransition.Firing, sequence, RuleActor(incident), null, now, ct);
    }

    /// <summary>Why the incident's notices are held back now (an active silence matching its labels, an open critical
    /// incident with the same labels, a mute window), or null.</summary>
    private async Task<string?> SuppressionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Incident incident, DateTimeOffset now, CancellationToken ct)
    {
        await using (var silences = new NpgsqlCommand(
            "select id, matchers::text, author from alerts.silences where starts_at <= $1 and ends_at > $1 order by created_at", connection, tx))
        {
            silences.Parameters.AddWithValue(now);
            await using var reader = await silences.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var matchers = JsonSerializer.Deserialize<List<LabelMatcher>>(reader.GetString(1), SilenceStore.Json)!;
                if (LabelMatcher.All(matchers, incident))
                {
                    return $"silence {reader.GetGuid(0)} by {reader.GetString(2)}";
                }
            }
        }
        var settings = options.CurrentValue;
        // Incidents without labels are about no particular series: nothing inhibits them.
        if (settings.InhibitWarningsUnderCritical && incident.Severity != "critical" && incident.Labels.Count > 0)
        {
            await using var critical = new NpgsqlCommand(
                "select id, labels::text from alerts.incidents where state <> 'resolved' and severity = 'critical' and id <> $1 order by started_at",
                connection, tx);
            critical.Parameters.AddWithValue(incident.Id);
            await using var reader = await critical.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1))!;
                var same = settings.InhibitEqual.Count == 0
                    ? labels.Count == incident.Labels.Count && labels.All(l => incident.Labels.TryGetValue(l.Key, out var v) && v == l.Value)
                    : settings.InhibitEqual.All(name => labels.TryGetValue(name, out var a) && incident.Labels.TryGetValue(name, out var b) && a == b);
                if (same)
                {
                    return $"inhibited by critical incident {reader.GetGuid(0)}";
                }
            }
        }
        return settings.MuteTimeWindows.FirstOrDefault(w => w.Contains(now, incident.Labels)) is { } window ? $"mute window '{window.Name}'" : null;
    }

    private static IEnumerable<NotificationTarget> Targets(EscalationStep step) =>
        step.Targets.SelectMany(t => t.Recipients.Select(r => new NotificationTarget(t.Channel, r)));

    private static string RuleActor(Incident incident) => $"rule:{incident.Rule}";

    private static async Task<int> NextSequenceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("update alerts.incidents set transitions = transitions + 1 where id = $1 returning transitions", connection, tx);
        command.Parameters.AddWithValue(id);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task AuditAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, int sequence, string kind, string actor, string? comment,
        DateTimeOffset at, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "insert into alerts.incident_events (incident_id, sequence, kind, actor, comment, at) values ($1, $2, $3, $4, $5, $6)", connection, tx);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(sequence);
        command.Parameters.AddWithValue(kind);
        command.Parameters.AddWithValue(actor);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)comment ?? DBNull.Value);
        command.Parameters.AddWithValue(at);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values)
        {
            command.Parameters.Add(value is DBNull ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz } : new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<Incident?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string where, object key, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select {Columns} from alerts.incidents where {where} for update", connection, tx);
        command.Parameters.AddWithValue(key);
        return await ReadOneAsync(command, ct);
    }

    private static async Task<Incident?> ReadOneAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>Severity is validated where rules load (critical, warning or info), so it always parses.</summary>
    private static IncidentChanged Changed(Incident incident, IncidentState state, DateTimeOffset at) =>
        new(incident.Id, state, Enum.Parse<IncidentSeverity>(incident.Severity, ignoreCase: true), incident.Rule, incident.Labels, at);

    private static Incident Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(7))!, reader.GetString(8), reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetFieldValue<DateTimeOffset>(11), reader.GetFieldValue<DateTimeOffset>(12),
        reader.GetFieldValue<DateTimeOffset>(13), reader.GetInt32(14),
        reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15), reader.IsDBNull(16) ? null : reader.GetString(16),
        reader.IsDBNull(17) ? null : reader.GetFieldValue<DateTimeOffset>(17), reader.IsDBNull(18) ? null : reader.GetString(18),
        reader.IsDBNull(19) ? null : reader.GetString(19), reader.GetInt32(20),
        reader.IsDBNull(21) ? null : reader.GetFieldValue<DateTimeOffset>(21), reader.IsDBNull(22) ? null : reader.GetString(22));
}

/// <summary>MTTA and MTTR in seconds over the incidents that started in [From, To); null when none was acknowledged/resolved.</summary>
public sealed record IncidentStats(DateTimeOffset From, DateTimeOffset To, long Incidents, long Open, long Acknowledged, double? MeanTimeToAcknowledgeSeconds,
    long Resolved, double? MeanTimeToResolveSeconds);
