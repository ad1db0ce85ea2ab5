using Ciro.ChainSimulator.Generation;

namespace Ciro.ChainSimulator.Faults;

public enum FaultKind { None, Latency, TooManyRequests, ServerError, RpcError, Malformed, Truncated, Drop }

/// <summary>
/// An RPC fault to inject: on each request with <see cref="Probability"/>, or on each of the next
/// <see cref="Count"/> requests when a count is set (then the plan ends by itself).
/// </summary>
public sealed record FaultPlan(FaultKind Kind, double Probability, int? Count, int LatencyMs, int RetryAfterSeconds, int RpcErrorCode)
{
    public static readonly FaultPlan None = new(FaultKind.None, 0, null, 0, 0, 0);

    /// <summary>The wire names POST /admin/scenario accepts for "kind".</summary>
    public static readonly Dictionary<string, FaultKind> KindNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = FaultKind.None,
        ["latency"] = FaultKind.Latency,
        ["429"] = FaultKind.TooManyRequests,
        ["500"] = FaultKind.ServerError,
        ["rpc-error"] = FaultKind.RpcError,
        ["malformed"] = FaultKind.Malformed,
        ["truncated"] = FaultKind.Truncated,
        ["drop"] = FaultKind.Drop,
    };

    public static string NameOf(FaultKind kind) => KindNames.First(p => p.Value == kind).Key;
}

/// <summary>Decides per RPC request whether to misbehave, deterministically from the seed, and counts what it did.</summary>
public sealed class FaultInjector(SimulatorOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _injected = new();
    private Rng _rng = new(options.Seed, -7, 0);
    private long _requests;

    public FaultPlan Plan { get; private set; } = FaultPlan.None;
    public int? Remaining { get; private set; }

    public void Set(FaultPlan plan)
    {
        lock (_gate)
        {
            Plan = plan;
            Remaining = plan.Count;
        }
    }

    public FaultPlan Next()
    {
        lock (_gate)
        {
            _requests++;
            var plan = Plan;
            if (plan.Kind == FaultKind.None)
            {
                return FaultPlan.None;
            }
            bool fire;
            if (Remaining is { } remaining)
            {
                fire = remaining > 0;
                Remaining = remaining - 1;
                if (Remaining <= 0)
                {
                    Plan = FaultPlan.None;
                    Remaining = null;
                }
            }
            else
            {
                fire = _rng.Chance(plan.Probability);
            }
            if (!fire)
            {
                return FaultPlan.None;
            }
            var name = FaultPlan.NameOf(plan.Kind);
            _injected[name] = _injected.GetValueOrDefault(name) + 1;
            return plan;
        }
    }

    public (long Requests, Dictionary<string, long> Injected) Snapshot()
    {
        lock (_gate)
        {
            return (_requests, new Dictionary<string, long>(_injected));
        }
    }
}
