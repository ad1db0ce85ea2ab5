using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Apis;

/// <summary>ProblemDetails that name the offending field and value, so a caller can fix the request.</summary>
public static class ApiProblems
{
    public static ProblemDetails InvalidField(string field, object? value, string rule)
    {
        var shown = value?.ToString() ?? "(missing)";
        if (shown.Length > 100)
        {
            shown = shown[..100] + "…";
        }
        return new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = $"Invalid '{field}'",
            Detail = $"'{field}' = '{shown}' {rule}.",
            Extensions = { ["field"] = field },
        };
    }

    public static ProblemDetails NoBlocksYet() => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "No blocks indexed yet",
        Detail = "The indexer has not committed any block; try again shortly.",
    };
}
