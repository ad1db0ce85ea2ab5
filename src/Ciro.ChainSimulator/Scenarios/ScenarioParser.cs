using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ciro.ChainSimulator.Faults;
using Ciro.ChainSimulator.Generation;

namespace Ciro.ChainSimulator.Scenarios;

/// <summary>A parsed POST /admin/scenario body: a chain scenario, a fault plan, or a reorg request.</summary>
public sealed record ScenarioRequest(ChainScenario? Chain, FaultPlan? Faults, int? ReorgDepth);

/// <summary>
/// Reads {"name": ..., "parameters": {...}} and applies defaults. Every rejection names the field and the value
/// it got, keyed as "name" or "parameters.x", the way ValidationProblem reports it.
/// </summary>
public sealed class ScenarioParser(SimulatorOptions options, Accounts accounts)
{
    public const string RpcFaults = "rpc-faults";
    public const string Reorg = "reorg";

    public static IEnumerable<string> AllNames => ChainScenario.Names.Append(RpcFaults).Append(Reorg);

    public ScenarioRequest? Parse(JsonObject? body, Dictionary<string, string[]> errors)
    {
        void Fail(string field, string message) => errors[field] = [message];

        if (body is null)
        {
            Fail("body", "expected a JSON object {\"name\": ..., \"parameters\": {...}}");
            return null;
        }
        var name = body["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (name is null || !AllNames.Contains(name))
        {
            Fail("name", $"'{body["name"]?.ToJsonString() ?? "null"}' is not a scenario; expected one of {string.Join(", ", AllNames)}");
            return null;
        }
        var p = body["parameters"] as JsonObject ?? new JsonObject();
        if (body["parameters"] is { } raw && raw is not JsonObject)
        {
            Fail("parameters", $"must be an object, got {raw.ToJsonString()}");
            return null;
        }
        var reader = new ParamReader(p, errors);
        ScenarioRequest? result = name switch
        {
            ChainScenario.Steady => new(ChainScenario.Default, FaultPlan.None, null),
            ChainScenario.GasSpike => Chain(name, p, new ChainScenario
            {
                SpikeFunction = reader.Function("function", CiroFunction.SubmitJobResult),
                SpikeFactor = reader.Number("factor", 5, 1.01, 200),
            }),
            ChainScenario.SlowWorker => Chain(name, p, new ChainScenario
            {
                SlowWorkerIndex = reader.Worker("worker", accounts),
                SlowFactor = reader.Number("factor", 4, 1.01, 100),
            }),
            ChainScenario.FailingWorker => Chain(name, p, new ChainScenario { FailingWorkerIndex = reader.Worker("worker", accounts) }),
            ChainScenario.Congestion => Chain(name, p, new ChainScenario
            {
                CongestionTransactions = (int)reader.Number("transactions", 100, 1, options.BlockMaxTransactions),
                CongestionUtilization = reader.Number("utilization", 0.95, 0.05, 1),
            }),
            ChainScenario.UsageSurge => Chain(name, p, new ChainScenario { JobRateFactor = reader.Number("factor", 5, 1.01, 100) }),
            ChainScenario.Monitor => Chain(name, p, new ChainScenario
            {
                MonitorSampleRate = reader.SampleRate("rate", (uint)options.MonitorSampleFloor),
                RegistryPaused = reader.Flag("registryPaused"),
            }),
            ChainScenario.Peak => Chain(name, p, Peak(reader, idleBlocks: 0)),
            ChainScenario.PeakBurst => Chain(name, p, Peak(reader, idleBlocks: Blocks(reader.Number("idleMinutes", 1, 0.01, 1440)))),
            ChainScenario.Optimisation => Chain(name, p, new ChainScenario { LabHeartbeats = (int)reader.Number("heartbeats", 4, 1, 50) }),
            ChainScenario.Upgrade => Chain(name, p, new ChainScenario { UpgradeTo = reader.Upgrade(options.Seed) }),
            ChainScenario.AbSplit => Chain(name, p, AbSplit(reader, p)),
            RpcFaults => Faults(reader, p),
            Reorg => new(null, null, (int)reader.Number("depth", 3, 1, 1024)),
            _ => null,
        };
        return errors.Count == 0 ? result : null;
    }

    private static ScenarioRequest Chain(string name, JsonObject parameters, ChainScenario scenario) =>
        new(scenario with { Name = name, Parameters = (JsonObject)parameters.DeepClone() }, null, null);

    /// <summary>Full blocks as Starknet's limits allow: by default BlockMaxTransactions (500) a block, 40 new CIRO jobs
    /// a block (about 200 CIRO transactions once the job pipeline fills), 5% of the block reverted, a fifth of the other
    /// users' transactions multicalls; for <c>minutes</c> (until changed when absent).</summary>
    private ChainScenario Peak(ParamReader reader, int idleBlocks) => new()
    {
        PeakTransactions = (int)reader.Number("transactions", options.BlockMaxTransactions, 1, options.BlockMaxTransactions),
        JobsPerBlockOverride = reader.Number("jobsPerBlock", 40, 0, 200),
        PeakRevertShare = reader.Number("revertShare", 0.05, 0, 0.5),
        PeakMulticallShare = reader.Number("multicallShare", 0.2, 0, 1),
        FullBlocks = reader.Has("minutes") ? Blocks(reader.Number("minutes", 60, 0.01, 10_080)) : null,
        IdleBlocks = idleBlocks,
    };

    /// <summary>ab-split: jobs split between JobManager A (the configured one) and a second deployment B whose
    /// submit_job_result costs (1 − gasReduction) × its base L2 gas; <c>split</c> is the share of jobs B gets (0.5 as
    /// planned; skew it to seed a sample-ratio mismatch). The truth is added to the echoed parameters.</summary>
    private ChainScenario AbSplit(ParamReader reader, JsonObject p)
    {
        var reduction = reader.Number("gasReduction", 0.2, 0, 0.9);
        var split = reader.Number("split", 0.5, 0.01, 0.99);
        var variant = ContractClasses.Variant(CiroFunction.SubmitJobResult, 1 - reduction, options.Seed);
        var baseGas = CiroCatalog.Profile(CiroFunction.SubmitJobResult).BaseL2Gas;
        p["gasReduction"] = reduction;
        p["split"] = split;
        p["truth"] = new JsonObject
        {
            ["contractA"] = options.JobManager.ToString(),
            ["contractB"] = Accounts.JobManagerBAddress.ToString(),
            ["classHashA"] = ContractClasses.Initial(TargetContract.JobManager, options.Seed).Hash.ToString(),
            ["classHashB"] = variant.Hash.ToString(),
            ["function"] = "submit_job_result",
            // B − A per call: the base is jittered ±8% symmetrically, the account overhead and hooks are alike in both arms.
            ["l2GasDifferencePerCall"] = -reduction * baseGas,
            ["treatmentShare"] = split,
        };
        return new ChainScenario { AbVariant = variant, AbTreatmentShare = split };
    }

    /// <summary>Minutes of chain time as a whole number of blocks (at least one) at the configured interval.</summary>
    private int Blocks(double minutes) => Math.Max(1, (int)Math.Ceiling(minutes * 60_000 / options.BlockIntervalMs));

    private static ScenarioRequest Faults(ParamReader reader, JsonObject p)
    {
        var kind = reader.Kind("kind");
        int? count = p.ContainsKey("count") ? (int)reader.Number("count", 1, 1, 1_000_000) : null;
        var probability = reader.Number("probability", 1, 0.0001, 1);
        return new(null, new FaultPlan(kind, probability, count,
            (int)reader.Number("latencyMs", 500, 1, 120_000),
            (int)reader.Number("retryAfterSeconds", 1, 0, 3600),
            (int)reader.Number("code", -32603, int.MinValue, int.MaxValue)), null);
    }

    private sealed class ParamReader(JsonObject p, Dictionary<string, string[]> errors)
    {
        public bool Has(string field) => p[field] is not null;

        public double Number(string field, double fallback, double min, double max)
        {
            if (p[field] is not { } node)
            {
                return fallback;
            }
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && d >= min && d <= max)
            {
                return d;
            }
            errors[$"parameters.{field}"] = [$"must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}], got {node.ToJsonString()}"];
            return fallback;
        }

        /// <summary>set_sample_rate's rule: 0 (off) or a multiple of the contracts' SAMPLE_FLOOR.</summary>
        public uint? SampleRate(string field, uint floor)
        {
            if (p[field] is not { } node)
            {
                return null;
            }
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<uint>(out var rate)
                && Generation.PerformanceMonitor.ValidRate(rate, floor))
            {
                return rate;
            }
            errors[$"parameters.{field}"] = [$"must be 0 (off) or a multiple of the sample floor {floor}, got {node.ToJsonString()}"];
            return null;
        }

        public bool? Flag(string field)
        {
            if (p[field] is not { } node)
            {
                return null;
            }
            if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                return v.GetValue<bool>();
            }
            errors[$"parameters.{field}"] = [$"must be true or false, got {node.ToJsonString()}"];
            return null;
        }

        public CiroFunction Function(string field, CiroFunction fallback)
        {
            if (p[field] is not { } node)
            {
                return fallback;
            }
            if (node is JsonValue v && v.TryGetValue<string>(out var s) && CiroCatalog.TryParseFunction(s, out var f))
            {
                return f;
            }
            errors[$"parameters.{field}"] = [$"{node.ToJsonString()} is not a simulated function; expected one of {string.Join(", ", CiroCatalog.Functions.Select(x => x.Name))}"];
            return fallback;
        }

        /// <summary>A worker by index (0-based) or by account address.</summary>
        public int Worker(string field, Accounts accounts)
        {
            if (p[field] is not { } node)
            {
                return 0;
            }
            if (node is JsonValue v)
            {
                if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) && i >= 0 && i < accounts.Workers.Length)
                {
                    return i;
                }
                if (v.TryGetValue<string>(out var s) && Ciro.Starknet.Felt.TryParse(s, out var address)
                    && accounts.Workers.FirstOrDefault(w => w.Account.Address == address) is { } worker)
                {
                    return worker.Index;
                }
            }
            errors[$"parameters.{field}"] = [$"{node.ToJsonString()} is not a worker; expected an index in [0, {accounts.Workers.Length - 1}] or a worker account address"];
            return 0;
        }

        /// <summary>upgrade: contract (JobManager or CDCPool), function (one of that contract's, required unless
        /// gasFactor is 1), gasFactor (1 = a class that changes nothing).</summary>
        public SimClass? Upgrade(ulong seed)
        {
            var contract = TargetContract.JobManager;
            if (p["contract"] is { } node)
            {
                var name = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                if (name == "JobManager" || name == "CDCPool")
                {
                    contract = name == "JobManager" ? TargetContract.JobManager : TargetContract.CdcPool;
                }
                else
                {
                    errors["parameters.contract"] = [$"{node.ToJsonString()} is not an upgradeable contract; expected JobManager or CDCPool"];
                    return null;
                }
            }
            var factor = Number("gasFactor", 1, 0.05, 20);
            CiroFunction? function = null;
            if (p["function"] is { } f)
            {
                if (f is JsonValue fv && fv.TryGetValue<string>(out var fs) && CiroCatalog.TryParseFunction(fs, out var parsed)
                    && CiroCatalog.Profile(parsed).Contract == contract)
                {
                    function = parsed;
                }
                else
                {
                    var names = CiroCatalog.Functions.Where(x => x.Contract == contract).Select(x => x.Name);
                    errors["parameters.function"] = [$"{f.ToJsonString()} is not a function of {(contract == TargetContract.JobManager ? "JobManager" : "CDCPool")}; expected one of {string.Join(", ", names)}"];
                    return null;
                }
            }
            else if (factor != 1)
            {
                errors["parameters.function"] = [$"is required when gasFactor is not 1 (got gasFactor {factor.ToString(CultureInfo.InvariantCulture)})"];
                return null;
            }
            return ContractClasses.Upgrade(contract, function, factor, seed);
        }

        public FaultKind Kind(string field)
        {
            if (p[field] is JsonValue v && v.TryGetValue<string>(out var s) && FaultPlan.KindNames.TryGetValue(s, out var kind))
            {
                return kind;
            }
            errors[$"parameters.{field}"] = [$"{p[field]?.ToJsonString() ?? "nothing"} is not a fault kind; expected one of {string.Join(", ", FaultPlan.KindNames.Keys)}"];
            return FaultKind.None;
        }
    }
}
