using System.Text.Json;
using Ciro.Alerts.Delivery;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Alerts.Incidents;

/// <summary>
/// Alertmanager's grouping (dispatch/dispatch.go and the dedup stage of notify/), kept in PostgreSQL so replicas share
/// it and a restart keeps its timers: an incident no escalation policy takes joins the group of its
/// <see cref="NotificationGrouping.GroupBy"/> labels instead of sending its own firing and resolved notices. A new
/// group is flushed <see cref="NotificationGrouping.GroupWait"/> after it formed, then every
/// <see cref="NotificationGrouping.GroupInterval"/>; a flush notifies when an incident joined since the last
/// notification, when some resolved, or when <see cref="NotificationGrouping.RepeatInterval"/> passed without a change.
/// A group with nothing open left is removed after announcing the resolution.
/// </summary>
public sealed class AlertGroups(
    NpgsqlDataSource dataSource,
    NotificationOutbox outbox,
    IOptionsMonitor<IncidentOptions> options,
    TimeProvider time,
    AlertsMetrics metrics,
    ILogger<AlertGroups> logger)
{
    /// <summary>Puts <paramref name="incident"/> in its group inside the caller's transaction (a new group's first
    /// flush is due <see cref="NotificationGrouping.GroupWait"/> from now); false when grouping is off.</summary>
    internal async Task<bool> JoinAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Incident incident, DateTimeOffset now, CancellationToken ct)
    {
        var grouping = options.CurrentValue.Grouping;
        if (!grouping.Enabled)
        {
            return false;
        }
        var (key, labels) = grouping.GroupOf(incident);
        await using (var member = new NpgsqlCommand("update alerts.incidents set group_key = $2 where id = $1", connection, tx))
        {
            member.Parameters.AddWithValue(incident.Id);
            member.Parameters.AddWithValue(key);
            await member.ExecuteNonQueryAsync(ct);
        }
        // An existing group keeps its timer: the newcomer is announced at the group's next flush.
        await using var group = new NpgsqlCommand("""
            insert into alerts.alert_groups (group_key, labels, created_at, next_flush_at) values ($1, $2, $3, $4)
            on conflict (group_key) do nothing
            """, connection, tx);
        group.Parameters.AddWithValue(key);
        group.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(labels));
        group.Parameters.AddWithValue(now);
        group.Parameters.AddWithValue(now + grouping.GroupWait);
        await group.ExecuteNonQueryAsync(ct);
        return true;
    }

    /// <summary>Whether the incident's notices go through its group (its resolution is announced by the group's next
    /// flush, not on its own).</summary>
    internal static async Task<bool> IsGroupedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid incident, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select group_key is not null from alerts.incidents where id = $1", connection, tx);
        command.Parameters.AddWithValue(incident);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>Flushes one due group (locked, so two replicas never flush the same group); false when none is due.</summary>
    public async Task<bool> FlushNextDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var grouping = options.CurrentValue.Grouping;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        string key;
        Dictionary<string, string> labels;
        DateTimeOffset due;
        int flushes;
        DateTimeOffset? notifiedAt;
        HashSet<Guid> notified;
        await using (var claim = new NpgsqlCommand("""
            select group_key, labels::text, next_flush_at, flushes, notified_at, notified_firing from alerts.alert_groups
            where next_flush_at <= $1 order by next_flush_at limit 1 for update skip locked
            """, connection, tx))
        {
            claim.Parameters.AddWithValue(now);
            await using var reader = await claim.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return false;
            }
            key = reader.GetString(0);
            labels = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1))!;
            due = reader.GetFieldValue<DateTimeOffset>(2);
            flushes = reader.GetInt32(3);
            notifiedAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
            notified = [.. reader.GetFieldValue<Guid[]>(5)];
        }
        // The group's tick is the latest due one: a sweep that was away for several intervals flushes once, on the
        // group's own schedule, and the tick (not the sweep's clock) is the time of the flush, as in Alertmanager.
        var tick = due + grouping.GroupInterval * Math.Floor((now - due) / grouping.GroupInterval);

        // The open members, and those announced as firing that have resolved since.
        var firing = new List<(GroupMember Member, int Rank)>();
        var resolved = new List<GroupMember>();
        await using (var members = new NpgsqlCommand("""
            select id, rule, severity, summary, labels::text, coalesce(since, started_at), resolved_at, state from alerts.incidents
            where group_key = $1 and (state <> 'resolved' or id = any($2)) order by started_at, id
            """, connection, tx))
        {
            members.Parameters.AddWithValue(key);
            members.Parameters.AddWithValue(notified.ToArray());
            await using var reader = await members.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var member = new GroupMember(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    AlertMessage.WhereOf(JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4))!),
                    reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
                if (reader.GetString(7) == "resolved")
                {
                    resolved.Add(member);
                }
                else
                {
                    firing.Add((member, Rank(member.Severity)));
                }
            }
        }

        // Alertmanager's DedupStage.needsUpdate: first notification, new incidents, all or some resolved, repeat.
        string? reason =
            notifiedAt is null ? (firing.Count > 0 ? "first" : null)
            : !firing.All(f => notified.Contains(f.Member.IncidentId)) ? "new incidents"
            : firing.Count == 0 ? (notified.Count > 0 ? "all resolved" : null)
            : resolved.Count > 0 ? "some resolved"
            : notifiedAt.Value + grouping.RepeatInterval <= tick ? "repeat"
            : null;
        if (reason is not null)
        {
            var severity = firing.Count == 0 ? "info" : firing.MaxBy(f => f.Rank).Member.Severity;
            var rule = labels.GetValueOrDefault("rule") ?? "group";
            var message = new AlertMessage(Guid.Empty, rule, severity, IncidentTransition.Grouped,
                $"{firing.Count} firing, {resolved.Count} resolved", firing.Count > 0 ? firing.Min(f => f.Member.Since) : tick, firing.Count == 0 ? tick : null,
                labels.Where(l => l.Key != "rule").ToDictionary(l => l.Key, l => l.Value), Sequence: flushes + 1, GroupKey: key,
                Firing: [.. firing.Select(f => f.Member)], Resolved: resolved);
            await outbox.EnqueueAsync(connection, tx, message, ct);
            metrics.GroupNotifications.Add(1, new KeyValuePair<string, object?>("reason", reason));
            logger.LogInformation("Group {GroupKey} notified ({Reason}): {Firing} firing, {Resolved} resolved", key, reason, firing.Count, resolved.Count);
        }

        if (firing.Count == 0)
        {
            // Nothing open: the group ends (a later incident with these labels forms a new one, after GroupWait).
            await using var end = new NpgsqlCommand("delete from alerts.alert_groups where group_key = $1", connection, tx);
            end.Parameters.AddWithValue(key);
            await end.ExecuteNonQueryAsync(ct);
        }
        else
        {
            await using var schedule = new NpgsqlCommand("""
                update alerts.alert_groups set next_flush_at = $2, flushes = flushes + $3,
                  notified_at = case when $3 = 1 then $4 else notified_at end,
                  notified_firing = case when $3 = 1 then $5 else notified_firing end
                where group_key = $1
                """, connection, tx);
            schedule.Parameters.AddWithValue(key);
            schedule.Parameters.AddWithValue(tick + grouping.GroupInterval);
            schedule.Parameters.AddWithValue(reason is null ? 0 : 1);
            schedule.Parameters.AddWithValue(tick);
            schedule.Parameters.AddWithValue(firing.Select(f => f.Member.IncidentId).ToArray());
            await schedule.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        outbox.Committed();
        return true;
    }

    private static int Rank(string severity) => severity switch { "critical" => 2, "warning" => 1, _ => 0 };
}
