using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ciro.Alerts.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ciro.Alerts.Apis;

/// <summary>An API rule with its version and who created and last changed it.</summary>
public sealed record StoredRuleView(AlertRule Rule, int Version, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>
/// Rules created, changed, enabled, disabled and deleted through the API (admin). A body is one rule with the fields
/// of a rule file, as JSON; it goes through the rule files' own reader (<see cref="ApiRuleStore.Validate"/>), so a
/// rule the API accepts is a rule a file could hold and the reverse. Rules of the rule files stay read-only here
/// (409 naming the file). Every change is stored with its audit row: who, when, what it left.
/// </summary>
public static class RuleEditApi
{
    public static async Task<Results<Created<StoredRuleView>, ProblemHttpResult>> Create(JsonElement json, ClaimsPrincipal user, HttpRequest http,
        RuleCatalog catalog, ApiRuleStore store, CancellationToken ct)
    {
        if (Body(json) is not { } body)
        {
            return TypedResults.Problem(NotAnObject(json));
        }
        if (Read(body, null) is not ({ } rule, { } definition))
        {
            return TypedResults.Problem(Invalid(body, null));
        }
        if (catalog.FileOf(rule.Id) is { } file)
        {
            return FileRule(rule.Id, file, catalog.Folder);
        }
        if (await store.CreateAsync(rule.Id, definition, Actors.Of(user, http), ct) is not { } stored)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Rule exists",
                detail: $"An API rule '{rule.Id}' exists already; change it with PUT /api/rules/{rule.Id}.");
        }
        await catalog.RefreshAsync(ct);
        return TypedResults.Created($"/api/rules/{rule.Id}", View(stored));
    }

    public static async Task<Results<Ok<StoredRuleView>, ProblemHttpResult>> Update(string id, JsonElement json, ClaimsPrincipal user, HttpRequest http,
        RuleCatalog catalog, ApiRuleStore store, CancellationToken ct)
    {
        if (catalog.FileOf(id) is { } file)
        {
            return FileRule(id, file, catalog.Folder);
        }
        if (Body(json) is not { } body)
        {
            return TypedResults.Problem(NotAnObject(json));
        }
        if (body["id"] is { } given && given.ToString() != id)
        {
            return TypedResults.Problem(FieldProblem.Invalid("id", given.ToString(), $"must be the id in the path ('{id}'); a rule's id does not change"));
        }
        if (Read(body, id) is not ({ } rule, { } definition))
        {
            return TypedResults.Problem(Invalid(body, id));
        }
        return await store.UpdateAsync(rule.Id, definition, Actors.Of(user, http), ct) is { } stored
            ? await RefreshedAsync(catalog, stored, ct)
            : NoSuchApiRule(id);
    }

    public static Task<Results<Ok<StoredRuleView>, ProblemHttpResult>> Enable(string id, ClaimsPrincipal user, HttpRequest http, RuleCatalog catalog,
        ApiRuleStore store, CancellationToken ct) => SetEnabledAsync(id, true, user, http, catalog, store, ct);

    public static Task<Results<Ok<StoredRuleView>, ProblemHttpResult>> Disable(string id, ClaimsPrincipal user, HttpRequest http, RuleCatalog catalog,
        ApiRuleStore store, CancellationToken ct) => SetEnabledAsync(id, false, user, http, catalog, store, ct);

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, ClaimsPrincipal user, HttpRequest http, RuleCatalog catalog,
        ApiRuleStore store, CancellationToken ct)
    {
        if (catalog.FileOf(id) is { } file)
        {
            return FileRule(id, file, catalog.Folder);
        }
        if (await store.DeleteAsync(id, Actors.Of(user, http), ct) is null)
        {
            return NoSuchApiRule(id);
        }
        await catalog.RefreshAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<IReadOnlyList<RuleChange>>, ProblemHttpResult>> History(string id, RuleCatalog catalog, ApiRuleStore store,
        CancellationToken ct)
    {
        if (catalog.FileOf(id) is { } file)
        {
            return FileRule(id, file, catalog.Folder);
        }
        var changes = await store.HistoryAsync(id, ct);
        return changes.Count == 0 ? NoSuchApiRule(id) : TypedResults.Ok(changes);
    }

    private static async Task<Results<Ok<StoredRuleView>, ProblemHttpResult>> SetEnabledAsync(string id, bool enabled, ClaimsPrincipal user,
        HttpRequest http, RuleCatalog catalog, ApiRuleStore store, CancellationToken ct)
    {
        if (catalog.FileOf(id) is { } file)
        {
            return FileRule(id, file, catalog.Folder);
        }
        return await store.SetEnabledAsync(id, enabled, Actors.Of(user, http), ct) is { } stored
            ? await RefreshedAsync(catalog, stored, ct)
            : NoSuchApiRule(id);
    }

    private static async Task<Results<Ok<StoredRuleView>, ProblemHttpResult>> RefreshedAsync(RuleCatalog catalog, StoredRule stored, CancellationToken ct)
    {
        await catalog.RefreshAsync(ct);
        return TypedResults.Ok(View(stored));
    }

    /// <summary>A body is read as any JSON (a malformed one is the framework's 400) and must be an object.</summary>
    private static JsonObject? Body(JsonElement json) => json.ValueKind == JsonValueKind.Object ? JsonObject.Create(json) : null;

    private static ProblemDetails NotAnObject(JsonElement json) =>
        FieldProblem.Invalid("body", json.GetRawText(), "must be a JSON object with the fields of one rule (id, kind, window, threshold, …)");

    /// <summary>The rule a body defines and its definition as stored, or nulls when it is not exactly one valid rule.
    /// <paramref name="id"/> (PUT) fills a missing id.</summary>
    private static (AlertRule? Rule, string? Definition) Read(JsonObject body, string? id)
    {
        if (id is not null && body["id"] is null)
        {
            body["id"] = id;
        }
        // "rules:" would make the reader take a list: a body is one rule.
        if (body.ContainsKey("rules"))
        {
            return (null, null);
        }
        var definition = ApiRuleStore.Normalize(body);
        if (definition.Length > ApiRuleStore.MaxDefinitionLength)
        {
            return (null, null);
        }
        var (rules, errors) = ApiRuleStore.Validate(definition);
        return errors.Count == 0 && rules.Count == 1 ? (rules[0], definition) : (null, null);
    }

    /// <summary>The 400 for a body <see cref="Read"/> refused: the first problem's field and value, and every problem.</summary>
    private static ProblemDetails Invalid(JsonObject body, string? id)
    {
        if (body.ContainsKey("rules"))
        {
            return FieldProblem.Invalid("rules", "[…]", "is not a rule field: the body is one rule (POST one request per rule)");
        }
        var definition = ApiRuleStore.Normalize(body);
        if (definition.Length > ApiRuleStore.MaxDefinitionLength)
        {
            return FieldProblem.Invalid("body", $"{definition.Length} characters", $"must be at most {ApiRuleStore.MaxDefinitionLength} characters");
        }
        var errors = ApiRuleStore.Validate(definition).Errors;
        var first = errors[0];
        var field = first.Field ?? "body";
        var value = body[field.Split('.')[0]] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            var node => node.ToJsonString(),
        };
        return new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = $"Invalid '{field}'",
            Detail = first.Message,
            Extensions =
            {
                ["field"] = field,
                ["value"] = value,
                ["rule"] = id ?? first.Rule,
                ["problems"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList(),
            },
        };
    }

    private static StoredRuleView View(StoredRule stored) =>
        new(ApiRuleStore.Validate(stored.Definition).Rules[0], stored.Version, stored.CreatedAt, stored.CreatedBy, stored.UpdatedAt, stored.UpdatedBy);

    private static ProblemHttpResult FileRule(string id, string file, string folder) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Rule comes from a rule file",
            detail: $"Rule '{id}' is defined in the rule file {file} ({folder}); rule files are read-only through the API: change the file " +
                "and restart Alerts, or create an API rule with another id.");

    private static ProblemHttpResult NoSuchApiRule(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Rule not found", detail: $"No API rule '{id}' (GET /api/rules lists the rules).");
}
