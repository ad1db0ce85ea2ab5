using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Alerts.Rules;

/// <summary>An API rule as stored: its definition (the rule's fields as JSON) and who last changed it.</summary>
public sealed record StoredRule(string Id, string Definition, int Version, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>One entry of an API rule's audit trail; <see cref="Definition"/> is what the change left (null: deleted).</summary>
public sealed record RuleChange(string RuleId, int Version, string Action, string Actor, DateTimeOffset At, JsonElement? Definition);

/// <summary>
/// The rules created through the API, in alerts.rules, each change with its audit row (alerts.rule_changes) in one
/// transaction. Validation is not done here but by <see cref="Validate"/>, which is the rule files' reader: a
/// definition is stored only once it reads as exactly one valid rule.
/// </summary>
public sealed class ApiRuleStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The <see cref="AlertRule.Source"/> of every API rule (a rule file always ends in .yaml, .yml or .json).</summary>
    public const string Source = "api";

    /// <summary>Definitions longer than this are refused (a rule is a few hundred characters).</summary>
    public const int MaxDefinitionLength = 16_384;

    /// <summary>The rule files' reader over a JSON definition; errors name the rule and field (no file, no line).</summary>
    public static (IReadOnlyList<AlertRule> Rules, IReadOnlyList<RuleFileError> Errors) Validate(string definition) =>
        RuleFileLoader.Parse(Source, definition, lines: false);

    /// <summary>The definition as stored: the fields sent, without those sent as null (YAML would read a JSON null as
    /// the text "null").</summary>
    public static string Normalize(JsonObject definition)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in definition)
        {
            if (value is not null)
            {
                copy[key] = value.DeepClone();
            }
        }
        return copy.ToJsonString();
    }

    public async Task<IReadOnlyList<StoredRule>> ListAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select id, definition::text, version, created_at, created_by, updated_at, updated_by from alerts.rules order by id");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rules = new List<StoredRule>();
        while (await reader.ReadAsync(ct))
        {
            rules.Add(Read(reader));
        }
        return rules;
    }

    public async Task<StoredRule?> GetAsync(string id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select id, definition::text, version, created_at, created_by, updated_at, updated_by from alerts.rules where id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>Stores a new rule; null when an API rule with that id exists already.</summary>
    public Task<StoredRule?> CreateAsync(string id, string definition, string actor, CancellationToken ct) =>
        ChangeAsync(id, "created", actor, """
            insert into alerts.rules (id, definition, version, created_at, created_by, updated_at, updated_by)
            values ($1, $4, 1, $2, $3, $2, $3)
            on conflict (id) do nothing
            returning id, definition::text, version, created_at, created_by, updated_at, updated_by
            """, definition, ct);

    /// <summary>Replaces the definition; null when there is no such API rule.</summary>
    public Task<StoredRule?> UpdateAsync(string id, string definition, string actor, CancellationToken ct) =>
        ChangeAsync(id, "updated", actor, """
            update alerts.rules set definition = $4, version = version + 1, updated_at = $2, updated_by = $3
            where id = $1
            returning id, definition::text, version, created_at, created_by, updated_at, updated_by
            """, definition, ct);

    /// <summary>Sets the definition's <c>enabled</c> field in place (one statement, so a concurrent edit of another
    /// field is never undone); null when there is no such API rule.</summary>
    public Task<StoredRule?> SetEnabledAsync(string id, bool enabled, string actor, CancellationToken ct) =>
        ChangeAsync(id, enabled ? "enabled" : "disabled", actor, """
            update alerts.rules set definition = jsonb_set(definition, '{enabled}', $4), version = version + 1, updated_at = $2, updated_by = $3
            where id = $1
            returning id, definition::text, version, created_at, created_by, updated_at, updated_by
            """, enabled ? "true" : "false", ct);

    /// <summary>Deletes the rule; null when there is no such API rule.</summary>
    public Task<StoredRule?> DeleteAsync(string id, string actor, CancellationToken ct) =>
        ChangeAsync(id, "deleted", actor, """
            delete from alerts.rules where id = $1
            returning id, definition::text, version + 1, created_at, created_by, $2::timestamptz, $3::text
            """, null, ct);

    public async Task<IReadOnlyList<RuleChange>> HistoryAsync(string id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select rule_id, version, action, actor, at, definition::text from alerts.rule_changes where rule_id = $1 order by id");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var changes = new List<RuleChange>();
        while (await reader.ReadAsync(ct))
        {
            changes.Add(new RuleChange(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : JsonDocument.Parse(reader.GetString(5)).RootElement.Clone()));
        }
        return changes;
    }

    /// <summary>Runs one change and its audit row in one transaction ($1 id, $2 now, $3 actor, $4 the new definition
    /// or enabled value when there is one).</summary>
    private async Task<StoredRule?> ChangeAsync(string id, string action, string actor, string sql, string? value, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        StoredRule? changed;
        await using (var command = new NpgsqlCommand(sql, connection, tx))
        {
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(time.GetUtcNow());
            command.Parameters.AddWithValue(actor);
            if (value is not null)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            changed = await reader.ReadAsync(ct) ? Read(reader) : null;
        }
        if (changed is null)
        {
            return null;
        }
        await using (var audit = new NpgsqlCommand(
            "insert into alerts.rule_changes (rule_id, version, action, actor, at, definition) values ($1, $2, $3, $4, $5, $6)", connection, tx))
        {
            audit.Parameters.AddWithValue(id);
            audit.Parameters.AddWithValue(changed.Version);
            audit.Parameters.AddWithValue(action);
            audit.Parameters.AddWithValue(actor);
            audit.Parameters.AddWithValue(changed.UpdatedAt);
            audit.Parameters.Add(new NpgsqlParameter { Value = action == "deleted" ? DBNull.Value : changed.Definition, NpgsqlDbType = NpgsqlDbType.Jsonb });
            await audit.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return changed;
    }

    private static StoredRule Read(NpgsqlDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.GetInt32(2),
        reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6));
}
