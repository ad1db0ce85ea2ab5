using System.Text.Json.Nodes;
using Ciro.ChainSimulator.Chain;
using Ciro.ChainSimulator.Faults;
using Ciro.ChainSimulator.Generation;
using Ciro.ChainSimulator.Scenarios;
using Ciro.ChainSimulator.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ciro.ChainSimulator.Apis;

/// <summary>
/// Ground truth and control for tests and the Aspire dashboard: what the chain holds, which scenario runs,
/// which faults fire; switch scenario, reorg, pre-generate history.
/// </summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("admin").WithTags("admin").AddEndpointFilter(RequireAdminKey);
        api.MapGet("/state", GetState).WithName("GetState").WithSummary("Head, scenario, faults and counts of what the canonical chain holds");
        api.MapGet("/blocks/{number:long}", GetBlock).WithName("GetBlockTruth").WithSummary("A canonical block's transaction hashes and event counts");
        api.MapGet("/scenario", GetScenario).WithName("GetScenario").WithSummary("The running chain scenario and RPC fault plan");
        api.MapPost("/scenario", SetScenario).WithName("SetScenario").WithSummary("Switch scenario: {\"name\": ..., \"parameters\": {...}}");
        api.MapPost("/reorg", PostReorg).WithName("Reorg").WithSummary("Replace the last depth blocks with a new branch: {\"depth\": d}");
        api.MapPost("/advance", PostAdvance).WithName("Advance").WithSummary("Seal the next n blocks now instead of waiting for the timer: {\"blocks\": n}");
        api.MapPost("/pregenerate", PostPregenerate).WithName("Pregenerate").WithSummary("Append blocks quickly: {\"blocks\": n, \"eventsPerBlock\": m}");
        return api;
    }

    /// <summary>With Simulator:Admin:Key set, a request without that key in X-Admin-Key is a 401.</summary>
    private static ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = context.HttpContext.RequestServices.GetRequiredService<SimulatorOptions>().Admin.Key;
        if (string.IsNullOrEmpty(expected))
        {
            return next(context);
        }
        var presented = context.HttpContext.Request.Headers[SimulatorAdminOptions.HeaderName].ToString();
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(presented)),
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(expected)))
            ? next(context)
            : ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
                title: "Admin key required", detail: $"The simulator's admin API needs the key of Simulator:Admin:Key in the {SimulatorAdminOptions.HeaderName} header."));
    }

    public sealed class AdminServices(ChainStore chain, FaultInjector faults, ScenarioParser parser, PregenerationStats pregeneration, SubscriptionHub hub)
    {
        public ChainStore Chain => chain;
        public FaultInjector Faults => faults;
        public ScenarioParser Parser => parser;
        public PregenerationStats Pregeneration => pregeneration;
        public SubscriptionHub Hub => hub;
    }

    public static Ok<StateView> GetState([AsParameters] AdminServices s)
    {
        var truth = s.Chain.Truth;
        StateView result;
        // Under the chain's lock: head, generator state and counts describe the same block.
        lock (s.Chain.Gate)
        {
            var view = s.Chain.View;
            var head = view.Head;
            var state = s.Chain.HeadState;
            var last = s.Chain.Reorgs.Count > 0 ? s.Chain.Reorgs[^1] : null;
            result = new StateView(
                new HeadView(head.Number, head.Hash.ToString(), head.ParentHash.ToString(), head.Timestamp),
                view.Pending.Number,
                view.L1AcceptedNumber,
                Scenario(s),
                new CountsView(view.HeadNumber + 1, truth.Transactions, truth.RevertedTransactions, truth.Events, truth.EventCountsByName()),
                new JobsView(state.NextJobId - 1, state.CompletedJobs, state.FailedJobs, state.Jobs.Count),
                new Dictionary<string, long>(truth.Effects),
                s.Chain.Reorgs.Count,
                last is null ? null : new ReorgView(last.FirstNumber, last.LastNumber,
                    last.OldHashes.Select(h => h.ToString()).ToArray(), last.NewHashes.Select(h => h.ToString()).ToArray(), last.Branch),
                new OrphanedView(truth.OrphanedBlocks, truth.OrphanedTransactions, truth.OrphanedEvents),
                new GasView(head.Prices.L1Fri.ToString(), head.Prices.L1DataFri.ToString(), head.Prices.L2Fri.ToString(), head.L2GasUsed,
                    s.Chain.BlockL2GasLimit),
                s.Pregeneration.HasRun
                    ? new PregenerationView(s.Pregeneration.Blocks, s.Pregeneration.Events, s.Pregeneration.Transactions,
                        s.Pregeneration.Elapsed.TotalMilliseconds, Math.Round(s.Pregeneration.EventsPerSecond))
                    : null,
                s.Hub.Count);
        }
        return TypedResults.Ok(result);
    }

    public static Results<Ok<BlockTruthView>, NotFound<string>> GetBlock(long number, [AsParameters] AdminServices s)
    {
        var view = s.Chain.View;
        if (view.ByNumber(number) is not { } b)
        {
            return TypedResults.NotFound($"block {number} does not exist; the head is {view.HeadNumber}");
        }
        var byName = new Dictionary<string, int>();
        foreach (var e in b.Events)
        {
            var name = CiroCatalog.EventNames[e.Kind];
            byName[name] = byName.GetValueOrDefault(name) + 1;
        }
        return TypedResults.Ok(new BlockTruthView(b.Number, b.Hash.ToString(), b.ParentHash.ToString(), b.Timestamp, b.Branch,
            b.Transactions.Length, b.Transactions.Count(t => t.Reverted), b.Events.Length, byName,
            b.Transactions.Select(t => t.Hash.ToString()).ToArray(), b.L2GasUsed, b.Effects));
    }

    public static Ok<ScenarioView> GetScenario([AsParameters] AdminServices s) => TypedResults.Ok(Scenario(s));

    /// <summary>The body names the scenario; a dashboard command without a body may use ?name= instead.</summary>
    public static Results<Ok<ScenarioView>, ValidationProblem> SetScenario(JsonObject? body, string? name, [AsParameters] AdminServices s)
    {
        if (body is null && name is not null)
        {
            body = new JsonObject { ["name"] = name };
        }
        var errors = new Dictionary<string, string[]>();
        var request = s.Parser.Parse(body, errors);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid scenario request");
        }
        if (request.ReorgDepth is { } depth)
        {
            return Reorg(depth, s) is { } problem ? problem : TypedResults.Ok(Scenario(s));
        }
        if (request.Chain is { } chain)
        {
            s.Chain.SetScenario(chain);
        }
        if (request.Faults is { } faults)
        {
            s.Faults.Set(faults);
        }
        return TypedResults.Ok(Scenario(s));
    }

    /// <summary>Depth from the body, else ?depth=, else 3 (a dashboard command posts no body).</summary>
    public static Results<Ok<ReorgView>, ValidationProblem> PostReorg(ReorgRequest? body, int? depth, [AsParameters] AdminServices s)
    {
        if (Reorg(body?.Depth ?? depth ?? DefaultReorgDepth, s) is { } problem)
        {
            return problem;
        }
        var r = s.Chain.Reorgs[^1];
        return TypedResults.Ok(new ReorgView(r.FirstNumber, r.LastNumber, r.OldHashes.Select(h => h.ToString()).ToArray(),
            r.NewHashes.Select(h => h.ToString()).ToArray(), r.Branch));
    }

    public const int DefaultReorgDepth = 3;

    private static ValidationProblem? Reorg(int depth, AdminServices s)
    {
        try
        {
            s.Chain.Reorg(depth);
            return null;
        }
        catch (ArgumentOutOfRangeException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["depth"] = [$"{depth} is out of range: {e.Message.Split(Environment.NewLine)[0]}"],
            });
        }
    }

    /// <summary>Seals blocks now, through the same path as the timer (scenario, websocket notifications).</summary>
    public static Results<Ok<HeadView>, ValidationProblem> PostAdvance(AdvanceRequest? body, [AsParameters] AdminServices s)
    {
        if (body is null || body.Blocks is < 1 or > 10_000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["blocks"] = [$"must be in [1, 10000], got {body?.Blocks.ToString() ?? "nothing"}"],
            });
        }
        SimBlock head = s.Chain.View.Head;
        for (var i = 0; i < body.Blocks; i++)
        {
            head = s.Chain.SealPending();
        }
        return TypedResults.Ok(new HeadView(head.Number, head.Hash.ToString(), head.ParentHash.ToString(), head.Timestamp));
    }

    public static Results<Ok<PregenerationView>, ValidationProblem> PostPregenerate(PregenerateRequest? body, [AsParameters] AdminServices s)
    {
        var errors = new Dictionary<string, string[]>();
        if (body is null || body.Blocks is < 1 or > 1_000_000)
        {
            errors["blocks"] = [$"must be in [1, 1000000], got {body?.Blocks.ToString() ?? "nothing"}"];
        }
        if (body is not null && body.EventsPerBlock is < 0 or > 100_000)
        {
            errors["eventsPerBlock"] = [$"must be in [0, 100000], got {body.EventsPerBlock}"];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var r = s.Chain.Pregenerate(body!.Blocks, body.EventsPerBlock);
        s.Pregeneration.Record(r.Blocks, r.Transactions, r.Events, r.Elapsed);
        return TypedResults.Ok(new PregenerationView(r.Blocks, r.Events, r.Transactions, r.Elapsed.TotalMilliseconds,
            Math.Round(s.Pregeneration.EventsPerSecond)));
    }

    private static ScenarioView Scenario(AdminServices s)
    {
        var plan = s.Faults.Plan;
        var (requests, injected) = s.Faults.Snapshot();
        return new ScenarioView(
            new ChainScenarioView(s.Chain.Scenario.Name, s.Chain.Scenario.Parameters, s.Chain.ScenarioSinceBlock),
            new FaultView(FaultPlan.NameOf(plan.Kind), plan.Probability, s.Faults.Remaining, plan.LatencyMs, plan.RetryAfterSeconds,
                plan.RpcErrorCode, requests, injected),
            ScenarioParser.AllNames);
    }
}
