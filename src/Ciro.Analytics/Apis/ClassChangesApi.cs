using System.Globalization;
using Ciro.Auth;
using Ciro.Starknet;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Analytics.Apis;

/// <param name="Change">deployed (the contract appeared with this class) or replaced (an upgrade: replace_class).</param>
/// <param name="PreviousClassHash">The class the contract ran before a replacement; null for a deploy.</param>
public sealed record ClassChange(long BlockNumber, DateTimeOffset BlockTime, string Contract, string Change, string ClassHash, string? PreviousClassHash);

/// <param name="Truncated">More than <see cref="ClassChangesApi.MaxChanges"/> changes fell in the range: the newest are listed.</param>
public sealed record ClassChangesReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ClassChange> Changes, bool Truncated);

/// <summary>Deploys and upgrades of watched contracts from the indexed class history (ciro.contract_classes): what the
/// dashboard marks on every time chart, so a change in a series can be read against the code change behind it.</summary>
public static class ClassChangesApi
{
    public const int MaxChanges = 500;

    public static IEndpointRouteBuilder MapClassChangesApi(this IEndpointRouteBuilder app)
    {
        // Under /api/kpi: a committed block invalidates it in the dashboard like every KPI.
        app.MapGroup("api/kpi").WithTags("KPIs").RequireRole(Roles.Viewer)
            .MapGet("/class-changes", GetClassChanges).WithName("GetClassChanges")
            .WithSummary("Deploys and class replacements (upgrades) of indexed contracts in a time range, newest first, with the class before each replacement");
        return app;
    }

    /// <param name="from">ISO 8601; default 24 h before <paramref name="to"/>.</param>
    /// <param name="to">ISO 8601, exclusive; default now.</param>
    /// <param name="contract">Only this contract (0x-prefixed hex).</param>
    public static async Task<Results<Ok<ClassChangesReport>, BadRequest<ProblemDetails>>> GetClassChanges(string? from, string? to, string? contract,
        NpgsqlDataSource dataSource, IOptions<AnalyticsOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var end = clock.GetUtcNow();
        if (to is not null && !DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out end))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("to", to, "must be an ISO 8601 time, e.g. 2026-03-02T10:00:00Z"));
        }
        var start = end.AddDays(-1);
        if (from is not null && !DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("from", from, "must be an ISO 8601 time, e.g. 2026-03-02T10:00:00Z"));
        }
        if (start >= end)
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("from", from, $"must be before 'to' ({end:O})"));
        }
        if (end - start > TimeSpan.FromDays(options.Value.MaxRangeDays))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("from", from, $"gives a range of {(end - start).TotalDays:F0} days; at most {options.Value.MaxRangeDays} days are allowed"));
        }
        Felt? only = null;
        if (contract is not null)
        {
            if (!Felt.TryParse(contract, out var parsed))
            {
                return TypedResults.BadRequest(ApiProblems.InvalidField("contract", contract, "must be a 0x-prefixed hex address"));
            }
            only = parsed;
        }

        // The previous class of a replacement is the contract's latest class before that block.
        await using var command = dataSource.CreateCommand("""
            select c.block_number, c.block_time, c.contract, c.change, c.class_hash,
                   (select p.class_hash from ciro.contract_classes p
                    where p.contract = c.contract and p.block_number < c.block_number order by p.block_number desc limit 1)
            from ciro.contract_classes c
            where c.block_time >= $1 and c.block_time < $2 and ($3::bytea is null or c.contract = $3)
            order by c.block_number desc, c.contract
            limit $4
            """);
        command.Parameters.Add(new() { Value = start.ToUniversalTime() });
        command.Parameters.Add(new() { Value = end.ToUniversalTime() });
        command.Parameters.Add(new() { Value = only is { } felt ? felt.ToBytes() : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        command.Parameters.Add(new() { Value = MaxChanges + 1 });
        var changes = new List<ClassChange>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            changes.Add(new ClassChange(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), Felt.FromBytes(reader.GetFieldValue<byte[]>(2)).ToString(),
                reader.GetString(3), Felt.FromBytes(reader.GetFieldValue<byte[]>(4)).ToString(),
                reader.IsDBNull(5) ? null : Felt.FromBytes(reader.GetFieldValue<byte[]>(5)).ToString()));
        }
        var truncated = changes.Count > MaxChanges;
        return TypedResults.Ok(new ClassChangesReport(start.ToUniversalTime(), end.ToUniversalTime(), truncated ? changes[..MaxChanges] : changes, truncated));
    }
}
