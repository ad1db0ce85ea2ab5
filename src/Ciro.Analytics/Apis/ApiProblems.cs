using Microsoft.AspNetCore.Mvc;

namespace Ciro.Analytics.Apis;

/// <summary>Analytics' ProblemDetails: bad fields (shared shape) and "nothing indexed yet".</summary>
public static class ApiProblems
{
    /// <summary>See <see cref="FieldProblem"/>: the shape every Ciro service uses for a bad field.</summary>
    public static ProblemDetails InvalidField(string field, object? value, string rule) => FieldProblem.Invalid(field, value, rule);

    public static ProblemDetails NoBlocksYet() => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "No blocks indexed yet",
        Detail = "The indexer has not committed any block; try again shortly.",
    };
}
