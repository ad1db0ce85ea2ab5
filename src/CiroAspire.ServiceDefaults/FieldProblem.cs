using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Extensions.Hosting;

/// <summary>The one shape of a Ciro 400: ProblemDetails naming the offending field and the value received
/// (shortened, so an injection string cannot flood a log or a page), plus a "field" extension for clients.</summary>
public static class FieldProblem
{
    public static ProblemDetails Invalid(string field, object? value, string rule)
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
}
