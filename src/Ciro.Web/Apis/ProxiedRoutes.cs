using Ciro.Web.Auth;

namespace Ciro.Web.Apis;

public enum Backend
{
    Analytics,
    Alerts,
}

/// <summary>One route the browser may call through the web tier: method, path pattern (ASP.NET route syntax, the
/// same path on the backend), which backend serves it and the least role that may call it.</summary>
public sealed record ProxiedRoute(string Method, string Pattern, Backend Backend, string Role);

/// <summary>
/// The allow-list: the only /api routes the web tier forwards. Anything else under /api is a 404 (401 when
/// signed out), a listed path with another method too, and a role below the route's is a 403. A view that
/// needs a new endpoint adds its line here (and a test in ProxyAllowListTests if it changes state).
/// </summary>
public static class ProxiedRoutes
{
    public static readonly IReadOnlyList<ProxiedRoute> All =
    [
        // Ciro.Analytics: the dashboard's reads.
        new("GET", "/api/activity/jobs", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/blocks/latest", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/blocks/{number}/summary", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/events/last", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/pipeline/status", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/gas", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/network", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/timing/inclusion", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/timing/jobs", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/workers", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/workers/leaderboard", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/usage", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/usage/hours", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/anomalies", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/onchain/calls", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/class-changes", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/onchain/workers", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/kpi/onchain/jobs", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/recommendations", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/recommendations/{id}", Backend.Analytics, Roles.Viewer),
        new("POST", "/api/recommendations/{id}/accept", Backend.Analytics, Roles.Operator),
        new("POST", "/api/recommendations/{id}/dismiss", Backend.Analytics, Roles.Operator),
        new("POST", "/api/recommendations/evaluate", Backend.Analytics, Roles.Operator),
        // The report archive: viewers list and download; operators generate a week on demand.
        new("GET", "/api/reports", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/reports/{id}", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/reports/{id}/{format}", Backend.Analytics, Roles.Viewer),
        new("POST", "/api/reports/weekly", Backend.Analytics, Roles.Operator),
        new("GET", "/api/experiments/upgrades", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/experiments/ab", Backend.Analytics, Roles.Viewer),
        new("GET", "/api/experiments/ab/{id}/result", Backend.Analytics, Roles.Viewer),
        new("POST", "/api/experiments/ab", Backend.Analytics, Roles.Operator),
        new("POST", "/api/experiments/ab/{id}/stop", Backend.Analytics, Roles.Operator),

        // Ciro.Alerts: viewers read incidents and silences; operators act on them.
        new("GET", "/api/alerts/incidents", Backend.Alerts, Roles.Viewer),
        new("GET", "/api/alerts/incidents/stats", Backend.Alerts, Roles.Viewer),
        new("GET", "/api/alerts/incidents/{id}", Backend.Alerts, Roles.Viewer),
        new("GET", "/api/alerts/incidents/{id}/timeline", Backend.Alerts, Roles.Viewer),
        new("GET", "/api/alerts/silences", Backend.Alerts, Roles.Viewer),
        new("GET", "/api/alerts/silences/{id}", Backend.Alerts, Roles.Viewer),
        new("POST", "/api/alerts/incidents/{id}/ack", Backend.Alerts, Roles.Operator),
        new("POST", "/api/alerts/incidents/{id}/resolve", Backend.Alerts, Roles.Operator),
        new("POST", "/api/alerts/silences", Backend.Alerts, Roles.Operator),
        new("PUT", "/api/alerts/silences/{id}", Backend.Alerts, Roles.Operator),
        new("DELETE", "/api/alerts/silences/{id}", Backend.Alerts, Roles.Operator),
        // Alert rules: viewers read them (file and API rules) and an API rule's history; admins enable and disable API rules.
        new("GET", "/api/rules", Backend.Alerts, Roles.Viewer),
        new("GET", "/api/rules/{id}", Backend.Alerts, Roles.Viewer),
        new("GET", "/api/rules/{id}/history", Backend.Alerts, Roles.Viewer),
        new("POST", "/api/rules/{id}/enable", Backend.Alerts, Roles.Admin),
        new("POST", "/api/rules/{id}/disable", Backend.Alerts, Roles.Admin),
        new("GET", "/api/alerts/escalation-policies", Backend.Alerts, Roles.Viewer),
        new("GET", "/api/alerts/escalation-policies/{name}/history", Backend.Alerts, Roles.Viewer),
    ];
}
