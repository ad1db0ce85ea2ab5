using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Alerts.Incidents;

/// <summary>An API escalation policy as stored, with its version and who created and last changed it.</summary>
public sealed record StoredPolicy(EscalationPolicy Policy, int Version, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>One entry of an API policy's audit trail; <see cref="Definition"/> is what the change left (null: deleted).</summary>
public sealed record PolicyChange(string Policy, int Version, string Action, string Actor, DateTimeOffset At, JsonElement? Definition);

/// <summary>
/// The escalation policies that apply: those of the configuration (<see cref="IncidentOptions.EscalationPolicies"/>,
/// first, in their order) then those created through the API (alerts.escalation_policies, by name). The API ones are
/// read again by <see cref="RefreshAsync"/> before an incident opens, is acknowledged or escalates, so every replica
/// uses a change from its next step on. An incident stores its policy's name, not a copy: an open incident follows
/// the policy's current steps, delays, repeat and acknowledgement timeout (a policy deleted stops its escalation).
/// </summary>
public sealed class EscalationPolicies(NpgsqlDataSource dataSource, IOptionsMonitor<IncidentOptions> options, TimeProvider time)
{
    /// <summary>How a policy body is read: camelCase, unknown fields and nulls refused with their JSON path.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
    };

    private volatile IReadOnlyList<StoredPolicy> _api = [];

    public IReadOnlyList<EscalationPolicy> Configured => options.CurrentValue.EscalationPolicies;

    /// <summary>The API policies as last read.</summary>
    public IReadOnlyList<StoredPolicy> Api => _api;

    public bool IsConfigured(string name) => Configured.Any(p => p.Name == name);

    /// <summary>The policy for an incident with these labels and severity: the first configured one that matches, else
    /// the first API one (by name) that matches, or null.</summary>
    public EscalationPolicy? PolicyFor(IReadOnlyDictionary<string, string> labels, string severity) =>
        Configured.FirstOrDefault(p => p.Matches(labels, severity)) ?? _api.Select(p => p.Policy).FirstOrDefault(p => p.Matches(labels, severity));

    public EscalationPolicy? Policy(string? name) =>
        name is null ? null : Configured.FirstOrDefault(p => p.Name == name) ?? _api.FirstOrDefault(p => p.Policy.Name == name)?.Policy;

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select definition::text, version, created_at, created_by, updated_at, updated_by from alerts.escalation_policies order by name");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var policies = new List<StoredPolicy>();
        while (await reader.ReadAsync(ct))
        {
            policies.Add(Read(reader));
        }
        _api = policies;
    }

    /// <summary>Stores a new policy; null when an API policy with that name exists already.</summary>
    public Task<StoredPolicy?> CreateAsync(EscalationPolicy policy, string actor, CancellationToken ct) =>
        ChangeAsync(policy.Name, "created", actor, """
            insert into alerts.escalation_policies (name, definition, version, created_at, created_by, updated_at, updated_by)
            values ($1, $4, 1, $2, $3, $2, $3)
            on conflict (name) do nothing
            returning definition::text, version, created_at, created_by, updated_at, updated_by
            """, policy, ct);

    /// <summary>Replaces the policy; null when there is no such API policy.</summary>
    public Task<StoredPolicy?> UpdateAsync(EscalationPolicy policy, string actor, CancellationToken ct) =>
        ChangeAsync(policy.Name, "updated", actor, """
            update alerts.escalation_policies set definition = $4, version = version + 1, updated_at = $2, updated_by = $3
            where name = $1
            returning definition::text, version, created_at, created_by, updated_at, updated_by
            """, policy, ct);

    /// <summary>Deletes the policy; null when there is no such API policy.</summary>
    public Task<StoredPolicy?> DeleteAsync(string name, string actor, CancellationToken ct) =>
        ChangeAsync(name, "deleted", actor, """
            delete from alerts.escalation_policies where name = $1
            returning definition::text, version + 1, created_at, created_by, $2::timestamptz, $3::text
            """, null, ct);

    public async Task<IReadOnlyList<PolicyChange>> HistoryAsync(string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select policy, version, action, actor, at, definition::text from alerts.escalation_policy_changes where policy = $1 order by id");
        command.Parameters.AddWithValue(name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var changes = new List<PolicyChange>();
        while (await reader.ReadAsync(ct))
        {
            changes.Add(new PolicyChange(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : JsonDocument.Parse(reader.GetString(5)).RootElement.Clone()));
        }
        return changes;
    }

    /// <summary>One change and its audit row in one transaction ($1 name, $2 now, $3 actor, $4 the definition when there is one).</summary>
    private async Task<StoredPolicy?> ChangeAsync(string name, string action, string actor, string sql, EscalationPolicy? policy, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        StoredPolicy? changed;
        await using (var command = new NpgsqlCommand(sql, connection, tx))
        {
            command.Parameters.AddWithValue(name);
            command.Parameters.AddWithValue(time.GetUtcNow());
            command.Parameters.AddWithValue(actor);
            if (policy is not null)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(policy, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            changed = await reader.ReadAsync(ct) ? Read(reader) : null;
        }
        if (changed is null)
        {
            return null;
        }
        await using (var audit = new NpgsqlCommand(
            "insert into alerts.escalation_policy_changes (policy, version, action, actor, at, definition) values ($1, $2, $3, $4, $5, $6)", connection, tx))
        {
            audit.Parameters.AddWithValue(name);
            audit.Parameters.AddWithValue(changed.Version);
            audit.Parameters.AddWithValue(action);
            audit.Parameters.AddWithValue(actor);
            audit.Parameters.AddWithValue(changed.UpdatedAt);
            audit.Parameters.Add(new NpgsqlParameter
            {
                Value = action == "deleted" ? DBNull.Value : JsonSerializer.Serialize(changed.Policy, Json),
                NpgsqlDbType = NpgsqlDbType.Jsonb,
            });
            await audit.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        await RefreshAsync(ct);
        return changed;
    }

    private static StoredPolicy Read(NpgsqlDataReader reader) => new(JsonSerializer.Deserialize<EscalationPolicy>(reader.GetString(0), Json)!,
        reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5));
}
