using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.Analytics.Recommendations;
using Ciro.LocalInfrastructure;
using Ciro.Starknet;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The recommendation rules on a chain with known inefficiencies: the simulator's optimisation scenario (GasLab:
/// needless event keys, unpacked small-value slots, long small-felt calldata, a worker sending one call per
/// transaction, and an efficient control ledger), indexed with its traces by the indexer's backfill. Each rule must
/// name the seeded target with a weekly saving within ±10% of the scenario's truth, and nothing must target the
/// control. Then the lifecycle: dedup across runs, accept/dismiss with their errors, verified and regressed.
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class RecommendationTests(AnalyticsFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private const long Genesis = 1_763_884_800;
    private const int BlockSeconds = 600;
    private const int LabBlocks = 60;
    private const double BlocksPerWeek = 604_800.0 / BlockSeconds;
    private const string OperatorKey = "recommendation-tests-operator-key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Each_rule_finds_its_seeded_inefficiency_with_the_true_saving_and_spares_the_control()
    {
        var chain = await IndexAsync();
        await using var app = fixture.App(chain.Db, ("Ciro:Auth:ServiceKeys:ops:Key", OperatorKey), ("Ciro:Auth:ServiceKeys:ops:Role", "operator"));
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);

        var run = await EvaluateAsync(http, chain.From, chain.To);
        Assert.Equal(LabBlocks, chain.Blocks);
        Assert.DoesNotContain(run.NotEvaluated, n => n.Rule is RecommendationRules.StoragePacking or RecommendationRules.CalldataPacking);
        Assert.DoesNotContain(run.NotEvaluated, n => n.Rule == RecommendationRules.OldSierra);
        var all = (await http.GetFromJsonAsync<RecommendationList>("/api/recommendations", Json))!.Items;
        foreach (var r in all)
        {
            output.WriteLine($"{r.Rule} {r.Target.Key}: {r.WeeklyL2Gas:N0} L2 gas, {r.WeeklyL1DataGas:N0} L1 data gas, {r.WeeklyFeeFri:N0} FRI a week ({r.Confidence}) — {r.Title}");
        }

        // Needless keys: ResultRecorded of the lab ledger, 2 key felts per event that could be data, one event a block.
        var keys = Single(all, RecommendationRules.EventKeys, r => r.Target.Contract == chain.LabLedger);
        Assert.Equal(Selector.FromName("ResultRecorded").ToString(), keys.Target.Event);
        Within(2 * 5_120 * BlocksPerWeek, keys.WeeklyL2Gas, keys);
        Assert.Equal([3, 4], keys.Evidence.GetProperty("needlessKeyPositions").EnumerateArray().Select(p => p.GetInt32()));

        // Unpacked slots: four 32-bit counters in four slots where one would do: 3 × 60,000 L2 gas and 3 × 64 L1 data gas a block.
        var storage = Single(all, RecommendationRules.StoragePacking, r => r.Target.Contract == chain.LabLedger);
        Within(3 * 60_000 * BlocksPerWeek, storage.WeeklyL2Gas, storage);
        Within(3 * 64 * BlocksPerWeek, storage.WeeklyL1DataGas, storage);

        // Calldata: eleven small felts where four would carry them, once a block.
        var calldata = Single(all, RecommendationRules.CalldataPacking, r => r.Target.Contract == chain.LabLedger);
        Assert.Equal(Selector.FromName("update_stats").ToString(), calldata.Target.Selector);
        Within(7 * 5_120 * BlocksPerWeek, calldata.WeeklyL2Gas, calldata);

        // One call per transaction: 4 heartbeats a block, 3 of them mergeable, each paying the 450,000 L2 gas account
        // overhead and 2 × 64 L1 data gas of nonce and fee-balance entries.
        var multicall = Single(all, RecommendationRules.Multicall, r => r.Target.Caller == chain.LabWorker);
        Within(3 * 450_000 * BlocksPerWeek, multicall.WeeklyL2Gas, multicall);
        Within(3 * 128 * BlocksPerWeek, multicall.WeeklyL1DataGas, multicall);
        Assert.Equal("high", multicall.Confidence);

        // Reverts: the fee burnt by submit_job_result's reverted transactions, as the simulator's receipts say.
        var reverts = Single(all, RecommendationRules.Reverts, r => r.Target.Function == "submit_job_result");
        Within((double)chain.RevertedSubmitFee * BlocksPerWeek / LabBlocks, (double)reverts.WeeklyFeeFri, reverts);
        Assert.True(reverts.Evidence.GetProperty("topReasons").GetArrayLength() >= 1);
        Assert.Equal(3, reverts.Samples.Length);

        // Old Sierra: the lab ledger runs a class compiled to Sierra 1.6.0, billed by VM resources; the simulator counts
        // its calls' L2 gas and what Sierra gas would not charge of it (its admin state). The control runs Sierra 1.7.0.
        var oldSierra = Single(all, RecommendationRules.OldSierra, r => r.Target.Contract == chain.LabLedger);
        Assert.Equal(("1.6.0", "2.8.2"), (oldSierra.Evidence.GetProperty("sierraVersion").GetString(), oldSierra.Evidence.GetProperty("compilerVersion").GetString()));
        Assert.Equal(chain.Truth("optimisation.oldSierraL2Gas"), oldSierra.Evidence.GetProperty("l2GasOfCalls").GetDouble());
        Within(chain.Truth("optimisation.recompileSavingL2Gas") * BlocksPerWeek / LabBlocks, oldSierra.WeeklyL2Gas, oldSierra);
        Assert.Equal(2 * LabBlocks, oldSierra.Evidence.GetProperty("calls").GetInt64());

        // Resource bounds: the generous wallet bounds L2 gas at 20× its use, the tight one reverts on its bound every block;
        // no other sender is flagged (every other transaction bounds at 1.5×).
        Assert.Equal(2, all.Count(r => r.Rule == RecommendationRules.ResourceBounds));
        var generous = Single(all, RecommendationRules.ResourceBounds, r => r.Target.Caller == chain.GenerousSender);
        Assert.Equal(20, generous.Evidence.GetProperty("medianBoundToUse").GetDouble());
        Assert.Equal(chain.Truth("optimisation.generousTransactions"), generous.Evidence.GetProperty("transactions").GetInt64());
        Assert.Equal(chain.Truth("optimisation.generousUnusedBoundL2Gas"), generous.Evidence.GetProperty("unusedBoundL2Gas").GetDouble());
        Assert.Equal((0, 0L), (generous.Evidence.GetProperty("revertedOnBound").GetInt32(), generous.WeeklyL2Gas));
        var tight = Single(all, RecommendationRules.ResourceBounds, r => r.Target.Caller == chain.TightSender);
        Assert.Equal(chain.Truth("optimisation.tightReverts"), tight.Evidence.GetProperty("revertedOnBound").GetInt64());
        Within((double)chain.TightFee * BlocksPerWeek / LabBlocks, (double)tight.WeeklyFeeFri, tight);
        Within(chain.Truth("optimisation.tightReverts") * 690_000.0 * BlocksPerWeek / LabBlocks, tight.WeeklyL2Gas, tight);
        Assert.Equal("high", tight.Confidence);

        // Every saving says how it was computed, and nothing targets the efficient control ledger or its client.
        Assert.All(all, r => Assert.Contains("604,800", r.Formula, StringComparison.Ordinal));
        Assert.DoesNotContain(all, r => r.Target.Contract == chain.ControlLedger || r.Target.Caller == chain.ControlSender);

        // Another run over the same window: the same rows (stable keys), still new.
        await EvaluateAsync(http, chain.From, chain.To);
        var again = (await http.GetFromJsonAsync<RecommendationList>("/api/recommendations", Json))!.Items;
        Assert.Equal(all.Select(r => (r.Id, r.Key)).OrderBy(x => x.Id), again.Select(r => (r.Id, r.Key)).OrderBy(x => x.Id));
        Assert.All(again, r => Assert.Equal(RecommendationStatus.New, r.Status));

        // Lifecycle: dismiss needs a reason (400 naming it), a bad id is a 400, an unknown one a 404.
        var dismiss = await http.PostAsJsonAsync($"/api/recommendations/{keys.Id}/dismiss", new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, dismiss.StatusCode);
        Assert.Contains("\"field\":\"reason\"", await dismiss.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/recommendations/x1/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsJsonAsync("/api/recommendations/999999/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/recommendations?status=open")).StatusCode);
        var badContract = await http.GetAsync("/api/recommendations?contract=ledger");
        Assert.Equal(HttpStatusCode.BadRequest, badContract.StatusCode);
        Assert.Contains("\"field\":\"contract\"", await badContract.Content.ReadAsStringAsync());
        // By address (any spelling of the felt): the lab ledger's findings, or the caller's.
        var lab = (await http.GetFromJsonAsync<RecommendationList>($"/api/recommendations?contract={chain.LabLedger.ToUpperInvariant().Replace("0X", "0x000", StringComparison.Ordinal)}", Json))!.Items;
        Assert.Equal(all.Where(r => r.Target.Contract == chain.LabLedger).Select(r => r.Id).Order(), lab.Select(r => r.Id).Order());
        Assert.Equal(
            [RecommendationRules.CalldataPacking, RecommendationRules.EventKeys, RecommendationRules.OldSierra, RecommendationRules.StoragePacking],
            lab.Select(r => r.Rule).Order(StringComparer.Ordinal));
        Assert.Equal([tight.Id], (await http.GetFromJsonAsync<RecommendationList>($"/api/recommendations?contract={chain.TightSender}", Json))!.Items.Select(r => r.Id));
        var dismissed = await (await http.PostAsJsonAsync($"/api/recommendations/{keys.Id}/dismiss", new { reason = "indexers filter on score" }))
            .Content.ReadFromJsonAsync<Recommendation>(Json);
        Assert.Equal((RecommendationStatus.Dismissed, "indexers filter on score", "service:ops"), (dismissed!.Status, dismissed.StatusReason, dismissed.StatusBy));

        // Accepted, then a window where submit_job_result is called without reverting: verified; the full window again: regressed.
        var accepted = await (await http.PostAsJsonAsync($"/api/recommendations/{reverts.Id}/accept", new { reason = "check the deadline first" }))
            .Content.ReadFromJsonAsync<Recommendation>(Json);
        Assert.Equal(RecommendationStatus.Accepted, accepted!.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsJsonAsync($"/api/recommendations/{reverts.Id}/accept", new { })).StatusCode);
        // Two blocks from one where submit_job_result succeeded: fewer reverts than the rule needs, JobManager still called.
        await EvaluateAsync(http, chain.QuietFrom, chain.QuietFrom.AddSeconds(2 * BlockSeconds));
        var verified = await http.GetFromJsonAsync<Recommendation>($"/api/recommendations/{reverts.Id}", Json);
        Assert.Equal(RecommendationStatus.Verified, verified!.Status);
        Assert.False(verified.Firing);
        await EvaluateAsync(http, chain.From, chain.To);
        var regressed = await http.GetFromJsonAsync<Recommendation>($"/api/recommendations/{reverts.Id}", Json);
        Assert.Equal(RecommendationStatus.Regressed, regressed!.Status);
        Assert.Equal(RecommendationStatus.Dismissed, (await http.GetFromJsonAsync<Recommendation>($"/api/recommendations/{keys.Id}", Json))!.Status);

        // A viewer reads but may not change anything.
        await using var viewerApp = fixture.App(chain.Db, ("Ciro:Auth:ServiceKeys:web:Key", "recommendation-tests-viewer-key"), ("Ciro:Auth:ServiceKeys:web:Role", "viewer"));
        var viewer = viewerApp.CreateClient();
        viewer.DefaultRequestHeaders.Add("X-Api-Key", "recommendation-tests-viewer-key");
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/recommendations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/recommendations/{calldata.Id}/accept", new { })).StatusCode);
    }

    [Fact]
    public async Task Without_traces_the_rules_that_need_them_say_so_and_the_others_still_run()
    {
        await using var db = await fixture.NewDatabaseAsync(KnownChain.Standard().Blocks);
        await using var app = fixture.App(db, ("Ciro:Auth:ServiceKeys:ops:Key", OperatorKey), ("Ciro:Auth:ServiceKeys:ops:Role", "operator"));
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);
        var response = await http.PostAsync("/api/recommendations/evaluate", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<RecommendationRun>(Json))!;
        Assert.Equal(
            [RecommendationRules.CalldataPacking, RecommendationRules.Multicall, RecommendationRules.OldSierra, RecommendationRules.StoragePacking],
            run.NotEvaluated.Select(n => n.Rule).Order(StringComparer.Ordinal));
        Assert.All(run.NotEvaluated.Where(n => n.Rule != RecommendationRules.OldSierra), n => Assert.Contains("no call traces", n.Reason, StringComparison.Ordinal));
        var list = (await http.GetFromJsonAsync<RecommendationList>("/api/recommendations", Json))!;
        Assert.Equal(run.NotEvaluated.Count, list.LastRun!.NotEvaluated.Count);
        Assert.DoesNotContain(list.Items, r => r.Rule is RecommendationRules.StoragePacking or RecommendationRules.CalldataPacking);
        Assert.All(list.Items.Where(r => r.Rule == RecommendationRules.Multicall),
            r => Assert.Contains("call traces are not indexed", r.Evidence.GetProperty("missingEvidence").GetString(), StringComparison.Ordinal));
        var bad = await http.PostAsync("/api/recommendations/evaluate?from=2026-03-02T00:00:00Z&to=2026-01-01T00:00:00Z", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"field\":\"from\"", await bad.Content.ReadAsStringAsync());
    }

    private static async Task<RecommendationRun> EvaluateAsync(HttpClient http, DateTimeOffset from, DateTimeOffset to)
    {
        var response = await http.PostAsync($"/api/recommendations/evaluate?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RecommendationRun>(Json))!;
    }

    private static Recommendation Single(IReadOnlyList<Recommendation> all, string rule, Func<Recommendation, bool> target)
    {
        var found = all.Where(r => r.Rule == rule && target(r)).ToList();
        Assert.True(found.Count == 1, $"{found.Count} {rule} recommendations for the seeded target; all: {string.Join("; ", all.Select(r => $"{r.Rule} {r.Target}"))}");
        return found[0];
    }

    private static void Within(double truth, double estimate, Recommendation r) =>
        Assert.True(Math.Abs(estimate - truth) <= 0.1 * truth, $"{r.Rule} {r.Target}: estimate {estimate:0}, truth {truth:0} ({r.Formula})");

    private sealed record Chain(Npgsql.NpgsqlDataSource Db, DateTimeOffset From, DateTimeOffset To, DateTimeOffset QuietFrom, int Blocks,
        string LabLedger, string ControlLedger, string ControlSender, string LabWorker, decimal RevertedSubmitFee,
        string GenerousSender, string TightSender, decimal TightFee, IReadOnlyDictionary<string, long> Effects)
    {
        /// <summary>A truth the simulator counted over the chain (GET /admin/state's effects).</summary>
        public long Truth(string effect) => Effects.TryGetValue(effect, out var n) ? n : throw new Xunit.Sdk.XunitException($"no effect {effect}");
    }

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Chain? _chain;

    /// <summary>The simulator with the optimisation scenario for <see cref="LabBlocks"/> blocks after two steady ones, indexed
    /// once for the class (with traces); the seeded addresses read from the chain itself.</summary>
    private async Task<Chain> IndexAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _chain ??= await BuildAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<Chain> BuildAsync()
    {
        var port = FreePort.Next();
        using var simulator = new ChildProcess("dotnet", [Output("Ciro.ChainSimulator"), "--urls", $"http://127.0.0.1:{port}",
            "--Simulator:Seed=9", $"--Simulator:StartTimestamp={Genesis}", $"--Simulator:BlockIntervalMs={BlockSeconds * 1000}",
            "--Simulator:PregenerateBlocks=2", "--Simulator:JobsPerBlock=6", "--Simulator:Admin:Enabled=true", "--Logging:LogLevel:Default=Warning"],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        using var node = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                if ((await node.GetAsync("/admin/state")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !simulator.HasExited)
            {
            }
            Assert.True(DateTime.UtcNow < deadline && !simulator.HasExited, $"simulator did not start: {simulator.Output}");
            await Task.Delay(200);
        }
        async Task<JsonElement> Admin(string path, object body)
        {
            var response = await node.PostAsJsonAsync(path, body);
            Assert.True(response.IsSuccessStatusCode, path);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        async Task<JsonElement> Rpc(string method, object parameters)
        {
            var response = await node.PostAsJsonAsync("/rpc", new { jsonrpc = "2.0", id = 1, method, @params = parameters });
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        }
        var before = (await node.GetFromJsonAsync<JsonElement>("/admin/state")).GetProperty("head").GetProperty("number").GetInt64();
        await Admin("/admin/scenario", new { name = "optimisation", parameters = new { heartbeats = 4 } });
        await Admin("/admin/advance", new { blocks = LabBlocks });
        await Admin("/admin/scenario", new { name = "steady" });
        var head = before + LabBlocks;

        // The seeded addresses, from the chain: ResultRecorded with four keys after its selector is the lab ledger's,
        // with two the control's; the heartbeat's key is the lab worker.
        var events = (await Rpc("starknet_getEvents", new
        {
            filter = new { from_block = new { block_number = before + 1 }, to_block = new { block_number = before + 1 }, keys = new[] { new[] { Selector.FromName("ResultRecorded").ToString(), Selector.FromName("Heartbeat").ToString() } }, chunk_size = 100 },
        })).GetProperty("events").EnumerateArray().ToList();
        var lab = events.Single(e => e.GetProperty("keys").GetArrayLength() == 5);
        var control = events.Single(e => e.GetProperty("keys").GetArrayLength() == 3);
        var heartbeat = events.First(e => e.GetProperty("keys").GetArrayLength() == 2);
        var controlSender = (await Rpc("starknet_getTransactionByHash", new[] { control.GetProperty("transaction_hash").GetString() })).GetProperty("sender_address").GetString()!;

        // Truth of the reverts rule: the fee of reverted transactions calling submit_job_result, from the receipts; of
        // the resource-bounds rule: the wallet bounding L2 gas at 10× its use or more, and the one reverting on its
        // bound with the fee its reverts paid.
        var submit = Selector.FromName("submit_job_result");
        decimal revertedFee = 0, tightFee = 0;
        string? generousSender = null, tightSender = null;
        long? quiet = null;
        for (var n = before + 1; n <= head; n++)
        {
            var block = await Rpc("starknet_getBlockWithReceipts", new[] { new { block_number = n } });
            var submits = 0;
            var revertedHere = 0;
            foreach (var item in block.GetProperty("transactions").EnumerateArray())
            {
                var (tx, txReceipt) = (item.GetProperty("transaction"), item.GetProperty("receipt"));
                var sender = Hex(tx.GetProperty("sender_address"));
                if (txReceipt.TryGetProperty("revert_reason", out var why) && why.GetString()!.StartsWith("Insufficient max L2Gas", StringComparison.Ordinal))
                {
                    Assert.True(tightSender is null || tightSender == sender, "two senders revert on their bound");
                    tightSender = sender;
                    tightFee += (decimal)(UInt128)Felt.Parse(txReceipt.GetProperty("actual_fee").GetProperty("amount").GetString()!).Low;
                }
                var bound = Felt.Parse(tx.GetProperty("resource_bounds").GetProperty("l2_gas").GetProperty("max_amount").GetString()!).Low;
                if (bound >= 10 * (UInt128)txReceipt.GetProperty("execution_resources").GetProperty("l2_gas").GetUInt64())
                {
                    Assert.True(generousSender is null || generousSender == sender, "two senders bound at 10x their use");
                    generousSender = sender;
                }
                var calldata = item.GetProperty("transaction").GetProperty("calldata").EnumerateArray().Select(f => Felt.Parse(f.GetString()!)).ToList();
                if (calldata.Count < 3 || calldata[2] != submit)
                {
                    continue;
                }
                submits++;
                var receipt = item.GetProperty("receipt");
                if (receipt.GetProperty("execution_status").GetString() == "REVERTED")
                {
                    revertedHere++;
                    revertedFee += (decimal)(UInt128)Felt.Parse(receipt.GetProperty("actual_fee").GetProperty("amount").GetString()!).Low;
                }
            }
            if (quiet is null && submits > 0 && revertedHere == 0 && n < head)
            {
                quiet = n;
            }
        }
        Assert.True(revertedFee > 0, "no submit_job_result reverted in the window");
        Assert.True(tightSender is not null && generousSender is not null, "the scenario's tight and generous wallets were not found");
        var effects = (await node.GetFromJsonAsync<JsonElement>("/admin/state")).GetProperty("effects").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetInt64());

        var db = await fixture.NewDatabaseAsync();
        var indexerDll = Output("Ciro.Indexer");
        using (var backfill = new ChildProcess("dotnet", [indexerDll, "backfill", "--rpc", $"http://127.0.0.1:{port}/rpc", "--from", "0", "--to", head.ToString()],
                   new Dictionary<string, string> { ["ConnectionStrings__ciro"] = db.ConnectionString, ["DOTNET_gcServer"] = "0" },
                   Path.GetDirectoryName(indexerDll)))
        {
            var code = await backfill.WaitForExitAsync(TimeSpan.FromSeconds(180));
            Assert.True(code == 0, $"backfill exited {code}: {backfill.Output}");
        }
        DateTimeOffset Time(long n) => DateTimeOffset.FromUnixTimeSeconds(Genesis + n * BlockSeconds);
        return new Chain(db, Time(before + 1), Time(head).AddSeconds(1), Time(quiet!.Value), LabBlocks,
            Hex(lab.GetProperty("from_address")), Hex(control.GetProperty("from_address")), Hex(controlSender), Hex(heartbeat.GetProperty("keys")[1]),
            revertedFee, generousSender!, tightSender!, tightFee, effects);
    }

    private static string Hex(JsonElement felt) => Hex(felt.GetString()!);

    private static string Hex(string felt) => Felt.Parse(felt).ToString();

    private static string Output(string project)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var path = Path.Combine(TestData.RepoRoot, "src", project, "bin", configuration, "net10.0", project + ".dll");
        Assert.True(File.Exists(path), $"{path} not built");
        return path;
    }
}
