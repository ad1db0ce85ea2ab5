using Ciro.Analytics.Apis;
using Ciro.Auth;
using Ciro.Starknet;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Experiments;

/// <summary>Experiments on contract changes: the automatic before/after of every class replacement.</summary>
public static class ExperimentsApi
{
    public const int MaxWindowHours = 24 * 14;

    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/experiments").WithTags("Experiments").RequireRole(Roles.Viewer);
        api.MapGet("/upgrades", GetUpgrades).WithName("GetUpgradeImpacts")
            .WithSummary("Every class replacement (upgrade) of a contract, newest first, each with its before/after: per function gas per call (difference in differences against unaffected contracts, in gas units), revert rate and call share, in matched hour-of-week windows");
        app.MapAbExperimentsApi();
        return app;
    }

    /// <param name="contract">Only this contract's changes (0x… address).</param>
    /// <param name="block">Only the change in this block.</param>
    /// <param name="windowHours">Length of the after window (and of the matched before window); default 24, at most 336.</param>
    public static async Task<Results<Ok<List<UpgradeReport>>, BadRequest<ProblemDetails>>> GetUpgrades(
        string? contract, string? block, string? windowHours, UpgradeImpactQuery query, CancellationToken ct)
    {
        Felt? address = null;
        if (contract is not null)
        {
            if (!Felt.TryParse(contract, out var parsed))
            {
                return TypedResults.BadRequest(ApiProblems.InvalidField("contract", contract, "must be a contract address (0x-prefixed hex felt)"));
            }
            address = parsed;
        }
        long? number = null;
        if (block is not null)
        {
            if (!long.TryParse(block, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                return TypedResults.BadRequest(ApiProblems.InvalidField("block", block, "must be a block number (a non-negative integer)"));
            }
            number = n;
        }
        var hours = 24;
        if (windowHours is not null
            && (!int.TryParse(windowHours, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out hours) || hours < 1 || hours > MaxWindowHours))
        {
            return TypedResults.BadRequest(ApiProblems.InvalidField("windowHours", windowHours, $"must be a whole number of hours in [1, {MaxWindowHours}]"));
        }
        var reports = new List<UpgradeReport>();
        foreach (var change in await query.ListChangesAsync(address, number, ct))
        {
            reports.Add(await query.AnalyseAsync(change, TimeSpan.FromHours(hours), ct));
        }
        return TypedResults.Ok(reports);
    }
}
