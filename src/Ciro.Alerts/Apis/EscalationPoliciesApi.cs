using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ciro.Alerts.Incidents;
using Ciro.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Alerts.Apis;

/// <summary>The policies that apply, in the order they are tried: the configuration's (read-only here) then the API's.</summary>
public sealed record PolicyListView(IReadOnlyList<EscalationPolicy> Configured, IReadOnlyList<StoredPolicy> Api);

/// <summary>
/// Escalation policies: viewers read them; admins create, replace and delete the API ones. A body is a policy as JSON
/// (name, match, steps with delay "hh:mm:ss" and targets, repeat, ackTimeout), checked by the configuration's own
/// validator (<see cref="EscalationPolicy.Problems"/>); the configuration's policies are read-only here (409). Every
/// change is audited with its author.
/// </summary>
public static partial class EscalationPoliciesApi
{
    public static IEndpointRouteBuilder MapEscalationPoliciesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/alerts/escalation-policies").WithTags("Alerts");
        api.MapGet("/", List).WithName("ListEscalationPolicies").RequireRole(Roles.Viewer)
            .WithSummary("The configuration's policies then the API's, in the order an incident's labels are matched against them");
        api.MapGet("/{name}/history", History).WithName("EscalationPolicyHistory").RequireRole(Roles.Viewer);
        api.MapPost("/", Create).WithName("CreateEscalationPolicy").RequireRole(Roles.Admin);
        api.MapPut("/{name}", Update).WithName("UpdateEscalationPolicy").RequireRole(Roles.Admin)
            .WithSummary("Replaces an API policy; open incidents follow it from their next step");
        api.MapDelete("/{name}", Delete).WithName("DeleteEscalationPolicy").RequireRole(Roles.Admin)
            .WithSummary("Deletes an API policy; open incidents under it stop escalating");
        return app;
    }

    public static async Task<Ok<PolicyListView>> List(EscalationPolicies policies, CancellationToken ct)
    {
        await policies.RefreshAsync(ct);
        return TypedResults.Ok(new PolicyListView(policies.Configured, policies.Api));
    }

    public static async Task<Results<Ok<IReadOnlyList<PolicyChange>>, ProblemHttpResult>> History(string name, EscalationPolicies policies, CancellationToken ct)
    {
        var changes = await policies.HistoryAsync(name, ct);
        return changes.Count == 0 ? NoSuchPolicy(name) : TypedResults.Ok(changes);
    }

    public static async Task<Results<Created<StoredPolicy>, ProblemHttpResult>> Create(JsonElement body, ClaimsPrincipal user, HttpRequest http,
        EscalationPolicies policies, CancellationToken ct)
    {
        var (policy, problem) = Read(body, null);
        if (problem is not null)
        {
            return TypedResults.Problem(problem);
        }
        if (policies.IsConfigured(policy!.Name))
        {
            return Configured(policy.Name);
        }
        if (await policies.CreateAsync(policy, Actors.Of(user, http), ct) is not { } stored)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Policy exists",
                detail: $"An API escalation policy '{policy.Name}' exists already; change it with PUT /api/alerts/escalation-policies/{policy.Name}.");
        }
        return TypedResults.Created($"/api/alerts/escalation-policies/{Uri.EscapeDataString(policy.Name)}", stored);
    }

    public static async Task<Results<Ok<StoredPolicy>, ProblemHttpResult>> Update(string name, JsonElement body, ClaimsPrincipal user, HttpRequest http,
        EscalationPolicies policies, CancellationToken ct)
    {
        if (policies.IsConfigured(name))
        {
            return Configured(name);
        }
        var (policy, problem) = Read(body, name);
        if (problem is not null)
        {
            return TypedResults.Problem(problem);
        }
        return await policies.UpdateAsync(policy!, Actors.Of(user, http), ct) is { } stored ? TypedResults.Ok(stored) : NoSuchPolicy(name);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(string name, ClaimsPrincipal user, HttpRequest http, EscalationPolicies policies,
        CancellationToken ct)
    {
        if (policies.IsConfigured(name))
        {
            return Configured(name);
        }
        return await policies.DeleteAsync(name, Actors.Of(user, http), ct) is null ? NoSuchPolicy(name) : TypedResults.NoContent();
    }

    /// <summary>The policy a body defines, or the 400 naming the first field in error (as a JSON path) and its value.
    /// <paramref name="name"/> (PUT) fills a missing name and must equal a given one.</summary>
    private static (EscalationPolicy? Policy, ProblemDetails? Problem) Read(JsonElement body, string? name)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, FieldProblem.Invalid("body", body.GetRawText(), "must be a JSON object: name, match, steps, repeat, ackTimeout"));
        }
        EscalationPolicy policy;
        try
        {
            policy = body.Deserialize<EscalationPolicy>(EscalationPolicies.Json)!;
        }
        catch (JsonException ex)
        {
            var path = (ex.Path ?? "$").TrimStart('$').TrimStart('.');
            var field = path.Length == 0 ? "body" : path;
            return (null, FieldProblem.Invalid(field, ValueAt(body, path), $"cannot be read: {ex.Message.Split(" Path:")[0]} (durations are \"hh:mm:ss\")"));
        }
        if (name is not null)
        {
            if (!body.TryGetProperty("name", out _))
            {
                policy.Name = name;
            }
            else if (policy.Name != name)
            {
                return (null, FieldProblem.Invalid("name", policy.Name, $"must be the name in the path ('{name}'); a policy's name does not change"));
            }
        }
        if (policy.Problems().FirstOrDefault() is ({ } key, { } message))
        {
            var field = JsonPath(key);
            return (null, new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = $"Invalid '{field}'",
                Detail = $"{message} (as Alerts:Incidents:EscalationPolicies:N:{key} in the configuration)",
                Extensions = { ["field"] = field, ["value"] = ValueAt(body, field), ["problems"] = policy.Problems().Select(p => p.Message).ToList() },
            });
        }
        return (policy, null);
    }

    /// <summary>"Steps:0:Delay" → "steps[0].delay".</summary>
    private static string JsonPath(string key) =>
        string.Concat(key.Split(':').Select((part, i) => int.TryParse(part, out _) ? $"[{part}]" : (i == 0 ? "" : ".") + char.ToLowerInvariant(part[0]) + part[1..]));

    [GeneratedRegex(@"^(?:\.?(?<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?<index>\d+)\]|\['(?<name>[^']*)'\])")]
    private static partial Regex PathSegment();

    /// <summary>The raw JSON at a path like "steps[0].delay" (property names case-insensitive), or null.</summary>
    private static string? ValueAt(JsonElement body, string path)
    {
        var at = body;
        while (path.Length > 0 && PathSegment().Match(path) is { Success: true } m)
        {
            path = path[m.Length..];
            if (m.Groups["index"].Success)
            {
                var index = int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (at.ValueKind != JsonValueKind.Array || index >= at.GetArrayLength())
                {
                    return null;
                }
                at = at[index];
            }
            else
            {
                var wanted = m.Groups["name"].Value;
                if (at.ValueKind != JsonValueKind.Object ||
                    at.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, wanted, StringComparison.OrdinalIgnoreCase)) is not { Value.ValueKind: not JsonValueKind.Undefined } property)
                {
                    return null;
                }
                at = property.Value;
            }
        }
        return path.Length > 0 ? null : at.ValueKind == JsonValueKind.String ? at.GetString() : at.GetRawText();
    }

    private static ProblemHttpResult Configured(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Policy comes from the configuration",
            detail: $"Escalation policy '{name}' is configured (Alerts:Incidents:EscalationPolicies); configured policies are read-only through the API: " +
                "change the configuration and restart Alerts, or create an API policy with another name.");

    private static ProblemHttpResult NoSuchPolicy(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Policy not found",
            detail: $"No API escalation policy '{name}' (GET /api/alerts/escalation-policies lists them).");
}
