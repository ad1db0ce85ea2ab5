using System.Globalization;
using Ciro.Analytics.Onchain;
using Ciro.ChainSimulator;
using Ciro.ChainSimulator.Chain;
using Ciro.ChainSimulator.Generation;
using Ciro.ChainSimulator.Scenarios;
using Ciro.Starknet;

namespace Ciro.Bench.Sampling;

/// <summary>
/// bench/run sampling [--hours H] [--seeds S]: what the performance monitor's sampling costs.
/// Accuracy: the simulator's generator builds H hours of 2-second blocks (3 jobs a block) per seed at sample rates
/// 1, 4, 16 and 64 (floor 1); per hour and hooked function the estimate Σ rate of the sampled events is compared
/// with the exact count of successful calls: mean and p95 relative error, and how often the 95% interval holds
/// the truth. Gas: at the contracts' defaults (rate 64, floor 16) the L2 gas the hooks charged (storage reads and
/// writes, event felts; starknet-gas.md) per call of each entry point, against the entry point's own L2 gas.
/// </summary>
public static class SamplingBench
{
    private static readonly string[] JobKeyed = ["submit_ai_job", "assign_job_to_worker", "submit_job_result", "fail_job", "distribute_rewards", "allocate_job"];
    private static readonly string[] TxKeyed = ["register_worker", "stake", "request_unstake", "complete_unstake"];

    public static int Main(string[] args)
    {
        var hours = Option(args, "--hours", 6);
        var seeds = Option(args, "--seeds", 3);
        Console.WriteLine($"sampling: {hours} h of 2 s blocks × {seeds} seeds per rate; error = |Σ rate − calls| / calls per (hour, function)");
        Console.WriteLine("rate  keyed-on  cells  mean-error  p95-error  interval-coverage");
        var summary = new List<string>();
        foreach (var rate in new[] { 1, 4, 16, 64 })
        {
            var cells = new List<(string Function, double Error, bool Covered)>();
            for (var seed = 1; seed <= seeds; seed++)
            {
                var chain = Generate((ulong)seed, hours, rate, floor: 1);
                cells.AddRange(Accuracy(chain, rate));
            }
            foreach (var (label, functions) in new[] { ("job id", JobKeyed), ("tx hash", TxKeyed) })
            {
                var mine = cells.Where(c => functions.Contains(c.Function)).ToList();
                var errors = mine.Select(c => c.Error).Order().ToList();
                var p95 = errors.Count == 0 ? 0 : errors[(int)Math.Min(errors.Count - 1, Math.Ceiling(errors.Count * 0.95) - 1)];
                var coverage = mine.Count == 0 ? 1 : mine.Count(c => c.Covered) / (double)mine.Count;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"1/{rate,-3} {label,-8}  {mine.Count,5}  {errors.DefaultIfEmpty().Average(),9:P1}  {p95,8:P1}  {coverage,9:P1}"));
                if (label == "job id")
                {
                    summary.Add(string.Create(CultureInfo.InvariantCulture, $"1/{rate} {errors.DefaultIfEmpty().Average():P1}"));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("gas at the contracts' defaults (rate 64, floor 16): monitor L2 gas per call vs the entry point's own L2 gas");
        Console.WriteLine("entry point            calls  sampled  monitor-gas/call  function-gas  overhead");
        var defaults = Generate(seed: 1, hours, rate: 64, floor: 16);
        var worst = 0.0;
        foreach (var (function, calls, sampled, gasPerCall) in Gas(defaults))
        {
            var own = CiroCatalog.Functions.Single(f => f.Name == function).BaseL2Gas;
            var overhead = gasPerCall / own;
            worst = Math.Max(worst, overhead);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{function,-22} {calls,6}  {sampled,7}  {gasPerCall,16:N0}  {own,12:N0}  {overhead,8:P2}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sampling: mean error (job-keyed) {string.Join(", ", summary)}; worst monitor gas overhead {worst:P2} of the entry point (target < 5%)"));
        return 0;
    }

    private sealed record Chain(List<SimBlock> Blocks, FeltTable Felts, Accounts Accounts);

    private static Chain Generate(ulong seed, int hours, int rate, int floor)
    {
        var options = new SimulatorOptions
        {
            Seed = seed, StartTimestamp = 1_763_884_800, BlockIntervalMs = 2000, MonitorSampleRate = rate, MonitorSampleFloor = floor,
        };
        var felts = new FeltTable();
        var accounts = new Accounts(options, felts);
        var generator = new BlockGenerator(options, felts, accounts);
        var state = ChainState.Initial(accounts, (uint)rate);
        var blocks = new List<SimBlock>();
        SimBlock? parent = null;
        for (long n = 0; n <= hours * 1800L; n++)
        {
            parent = generator.Generate(state, n, 0, parent, ChainScenario.Default);
            blocks.Add(parent);
        }
        return new Chain(blocks, felts, accounts);
    }

    /// <summary>Per (hour, function): estimate from the block's monitor events vs successful calls in its transactions.</summary>
    private static IEnumerable<(string Function, double Error, bool Covered)> Accuracy(Chain chain, int rate)
    {
        var truth = new Dictionary<(ulong Hour, string Function), long>();
        var samples = new Dictionary<(ulong Hour, string Function), List<long>>();
        foreach (var block in chain.Blocks)
        {
            var hour = block.Timestamp / 3600;
            foreach (var tx in block.Transactions)
            {
                if (!tx.Reverted)
                {
                    foreach (var function in Functions(chain, block, tx))
                    {
                        truth[(hour, function)] = truth.GetValueOrDefault((hour, function)) + 1;
                    }
                }
            }
            foreach (var e in block.Events)
            {
                if (SampledFunction(chain, block, e) is { } sampled)
                {
                    var sampleRate = (long)block.Data(e)[e.Kind == (byte)EventKind.CallSampled ? 0 : 2];
                    (samples.TryGetValue((hour, sampled), out var list) ? list : samples[(hour, sampled)] = []).Add(sampleRate);
                }
            }
        }
        // The last hour is cut short by the end of the run: leave it out.
        var lastHour = chain.Blocks[^1].Timestamp / 3600;
        foreach (var ((hour, function), calls) in truth)
        {
            if (hour == lastHour || !JobKeyed.Concat(TxKeyed).Contains(function))
            {
                continue;
            }
            var estimate = SampledEstimate.Total(samples.GetValueOrDefault((hour, function)) ?? [], rate);
            yield return (function, Math.Abs(estimate.Value - calls) / calls, estimate.Contains(calls));
        }
    }

    private static string? SampledFunction(Chain chain, SimBlock block, SimEvent e)
    {
        if (e.Kind == (byte)EventKind.CallSampled)
        {
            return Name(chain.Felts.Decode(block.Keys(e)[2]));
        }
        if (e.Kind == (byte)EventKind.JobSampled)
        {
            return block.Data(e)[0] switch
            {
                0 => e.From == chain.Accounts.CdcPool ? "allocate_job" : "assign_job_to_worker",
                1 => "submit_job_result",
                _ => "fail_job",
            };
        }
        return null;
    }

    private static string? Name(Felt selector) => CiroCatalog.Functions.FirstOrDefault(f => f.Selector == selector)?.Name;

    /// <summary>The function names of a transaction's multicall calldata [n, (to, selector, len, args…)…].</summary>
    private static List<string> Functions(Chain chain, SimBlock block, SimTx tx)
    {
        var calldata = block.Calldata(tx);
        var names = new List<string>();
        var offset = 1;
        for (ulong c = 0; c < calldata[0]; c++)
        {
            if (Name(chain.Felts.Decode(calldata[offset + 1])) is { } name)
            {
                names.Add(name);
            }
            offset += 3 + (int)calldata[offset + 2];
        }
        return names;
    }

    /// <summary>Per hooked entry point: calls, sampled calls and the mean monitor L2 gas per call (each transaction
    /// holds at most one hooked call, which is charged the transaction's monitor gas).</summary>
    private static IEnumerable<(string Function, long Calls, long Sampled, double GasPerCall)> Gas(Chain chain)
    {
        var stats = new Dictionary<string, (long Calls, long Sampled, double Gas)>();
        foreach (var block in chain.Blocks.Skip(1))
        {
            foreach (var tx in block.Transactions)
            {
                if (tx.Reverted)
                {
                    continue;
                }
                foreach (var function in Functions(chain, block, tx).Where(f => JobKeyed.Contains(f) || TxKeyed.Contains(f)))
                {
                    var s = stats.GetValueOrDefault(function);
                    stats[function] = (s.Calls + 1, s.Sampled + (tx.MonitorL2Gas >= 100_000 ? 1 : 0), s.Gas + tx.MonitorL2Gas);
                }
            }
        }
        return JobKeyed.Concat(TxKeyed).Where(stats.ContainsKey)
            .Select(f => (f, stats[f].Calls, stats[f].Sampled, stats[f].Gas / stats[f].Calls));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0)
        {
            return fallback;
        }
        if (i + 1 < args.Length && int.TryParse(args[i + 1], out var value) && value > 0)
        {
            return value;
        }
        Console.Error.WriteLine($"{name} needs a positive whole number, got '{(i + 1 < args.Length ? args[i + 1] : "")}'");
        Environment.Exit(2);
        return fallback;
    }
}
