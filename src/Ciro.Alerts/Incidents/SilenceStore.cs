using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Ciro.Alerts.Incidents;

/// <summary>One matcher of a silence: label <see cref="Name"/> compared with <see cref="Value"/> by <see cref="Op"/>
/// (=, !=, =~ and !~ for a regular expression matched against the whole value). The incident's rule and severity
/// match as the labels "rule" and "severity"; a missing label matches as the empty string (Alertmanager's rule).</summary>
public sealed record LabelMatcher(string Name, string Value, string Op = "=")
{
    public static readonly string[] Ops = ["=", "!=", "=~", "!~"];

    public bool Matches(Incident incident)
    {
        var value = Name switch
        {
            "rule" => incident.Rule,
            "severity" => incident.Severity,
            _ => incident.Labels.TryGetValue(Name, out var v) ? v : "",
        };
        return Op switch
        {
            "=" => value == Value,
            "!=" => value != Value,
            "=~" => Regex.IsMatch(value, $"^(?:{Value})$", RegexOptions.None, TimeSpan.FromMilliseconds(100)),
            _ => !Regex.IsMatch(value, $"^(?:{Value})$", RegexOptions.None, TimeSpan.FromMilliseconds(100)),
        };
    }

    public static bool All(IReadOnlyList<LabelMatcher> matchers, Incident incident) => matchers.Count > 0 && matchers.All(m => m.Matches(incident));

    /// <summary>Null when valid, else what is wrong (for a 400 naming the field).</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 64)
        {
            return $"name '{Name}' must be 1 to 64 characters";
        }
        if (!Ops.Contains(Op))
        {
            return $"op '{Op}' must be one of {string.Join(", ", Ops)}";
        }
        if (Op is "=~" or "!~")
        {
            try
            {
                _ = new Regex(Value, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException ex)
            {
                return $"value '{Value}' is not a regular expression: {ex.Message}";
            }
        }
        return null;
    }
}

/// <summary>A silence: while now is in [StartsAt, EndsAt), incidents matching every matcher open without a notice.
/// Deleting one ends it now (kept for the record).</summary>
public sealed record Silence(Guid Id, IReadOnlyList<LabelMatcher> Matchers, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Author,
    string Comment, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public string StateAt(DateTimeOffset now) => now < StartsAt ? "pending" : now < EndsAt ? "active" : "expired";
}

public sealed class SilenceStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Columns = "id, matchers::text, starts_at, ends_at, author, comment, created_at, updated_at";

    public async Task<Silence> CreateAsync(IReadOnlyList<LabelMatcher> matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, string author, string comment,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var silence = new Silence(Guid.CreateVersion7(), matchers, startsAt, endsAt, author, comment, now, now);
        await using var command = dataSource.CreateCommand("""
            insert into alerts.silences (id, matchers, starts_at, ends_at, author, comment, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7)
            """);
        command.Parameters.AddWithValue(silence.Id);
        command.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(matchers, Json));
        command.Parameters.AddWithValue(startsAt);
        command.Parameters.AddWithValue(endsAt);
        command.Parameters.AddWithValue(author);
        command.Parameters.AddWithValue(comment);
        command.Parameters.AddWithValue(now);
        await command.ExecuteNonQueryAsync(ct);
        return silence;
    }

    /// <summary>Replaces matchers, end and comment (the author becomes whoever changed it); null when unknown.</summary>
    public async Task<Silence?> UpdateAsync(Guid id, IReadOnlyList<LabelMatcher> matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, string author,
        string comment, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            update alerts.silences set matchers = $2, starts_at = $3, ends_at = $4, author = $5, comment = $6, updated_at = $7 where id = $1 returning {Columns}
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(matchers, Json));
        command.Parameters.AddWithValue(startsAt);
        command.Parameters.AddWithValue(endsAt);
        command.Parameters.AddWithValue(author);
        command.Parameters.AddWithValue(comment);
        command.Parameters.AddWithValue(time.GetUtcNow());
        return await ReadOneAsync(command, ct);
    }

    /// <summary>Ends the silence now (a pending one never starts); null when unknown.</summary>
    public async Task<Silence?> ExpireAsync(Guid id, string author, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            update alerts.silences set ends_at = greatest(starts_at + interval '1 microsecond', least(ends_at, $2)), updated_at = $2,
              comment = comment || ' (ended by ' || $3 || ')'
            where id = $1 returning {Columns}
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(time.GetUtcNow());
        command.Parameters.AddWithValue(author);
        return await ReadOneAsync(command, ct);
    }

    public async Task<Silence?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from alerts.silences where id = $1");
        command.Parameters.AddWithValue(id);
        return await ReadOneAsync(command, ct);
    }

    /// <summary>Silences not yet expired (with <paramref name="includeExpired"/>: all), newest first.</summary>
    public async Task<IReadOnlyList<Silence>> ListAsync(bool includeExpired, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from alerts.silences where $1 or ends_at > $2 order by created_at desc limit 500");
        command.Parameters.AddWithValue(includeExpired);
        command.Parameters.AddWithValue(time.GetUtcNow());
        var list = new List<Silence>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(Read(reader));
        }
        return list;
    }

    private static async Task<Silence?> ReadOneAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static Silence Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), JsonSerializer.Deserialize<List<LabelMatcher>>(reader.GetString(1), Json)!, reader.GetFieldValue<DateTimeOffset>(2),
        reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetFieldValue<DateTimeOffset>(7));
}
