using Ciro.ChainSimulator.Chain;

namespace Ciro.ChainSimulator.Generation;

/// <summary>
/// The optimisation scenario's transactions, with known inefficiencies and an efficient control, one set per block:
/// <list type="bullet">
/// <item>the lab client's multicall on the lab ledger: <c>record_result(job_id, worker, score, proof)</c> emits
/// ResultRecorded with all four as keys (score and proof are never filtered on: 2 needless key felts per event,
/// 2 × (10,240 − 5,120) L2 gas), and <c>update_stats(worker, c1…c11)</c> writes four 32-bit counters to four slots (one
/// would hold them: 3 × 60,000 L2 gas and 3 × 64 L1 data gas) from eleven small calldata felts (four would do:
/// 7 × 5,120);</item>
/// <item>the control client's multicall on the control ledger: the same functions done right (job id and worker as
/// keys, score and proof as data; one packed slot; two packed calldata felts);</item>
/// <item>the lab worker's heartbeats on the control ledger, one call per transaction (one multicall would save
/// each further transaction's account overhead);</item>
/// <item>the two ledgers are deployed in the scenario's first block: the lab ledger with a class compiled to Sierra
/// 1.6.0 (billed by Cairo VM resources, <see cref="VmBilling"/>), the control ledger with one compiled to Sierra 1.7.0;</item>
/// <item>a generous wallet whose transfer bounds L2 gas at 20× what it uses, and a tight one whose transfer is
/// bounded below what it needs and reverts ("Insufficient max L2Gas"), one each a block.</item>
/// </list>
/// Every call is at its profile's base gas and draws nothing from the block's random stream, so the rest of the
/// chain is the same with or without the scenario. The truth the recommendation tests check is counted in the
/// block's effects (GET /admin/state): <c>optimisation.oldSierraL2Gas</c> and <c>optimisation.recompileSavingL2Gas</c>
/// (the lab ledger's VM-billed calls and what Sierra gas would not charge of them), <c>optimisation.generousTransactions</c>,
/// <c>optimisation.generousUnusedBoundL2Gas</c> and <c>optimisation.tightReverts</c>.
/// </summary>
public sealed class GasLab(BlockBuilder b, Accounts a, Dictionary<string, int> effects, ulong seed)
{
    /// <summary>The generous wallet's L2 gas bound over what its transfer uses.</summary>
    public const ulong GenerousBoundFactor = 20;

    /// <summary>A transfer's L2 gas: the account overhead and the transfer call.</summary>
    public const ulong TransferL2Gas = CiroCatalog.AccountOverheadL2Gas + 400_000;

    /// <summary>The tight wallet's bound: what its reverted attempt burns (the overhead and 60% of the call), short of
    /// the 850,000 the transfer needs.</summary>
    public const ulong TightBound = CiroCatalog.AccountOverheadL2Gas + 400_000 * 6 / 10;

    public void Block(ChainState s, long number, int heartbeats)
    {
        if (!s.LedgersDeployed)
        {
            var current = ContractClasses.Upgrade(TargetContract.ControlLedger, null, 1, seed);
            s.Classes[(int)TargetContract.ControlLedger] = current;
            b.AddClassChange(new ClassChange(Accounts.LabLedgerAddress, s.ClassOf(TargetContract.LabLedger), Replaced: false));
            b.AddClassChange(new ClassChange(Accounts.ControlLedgerAddress, current, Replaced: false));
            s.LedgersDeployed = true;
        }
        var jobId = (ulong)number;
        var worker = a.Workers[(int)(number % a.Workers.Length)].Account.Code;
        var score = (FeltHash.Of((ulong)number, 0x5C0).Low & 0x7FFF_FFFF) | 0x1;
        var proof = b.Code(FeltHash.Of((ulong)number, 0x9F));

        b.Begin(a.LabSender);
        b.CallAtBaseGas(CiroFunction.LabRecordResult, [jobId, worker, (ulong)score, proof]);
        CountClassBilling(s, CiroFunction.LabRecordResult);
        b.Emit(EventKind.ResultRecorded, a.LabLedger, [jobId, worker, (ulong)score, proof], []);
        Span<ulong> counters = stackalloc ulong[12];
        counters[0] = worker;
        for (var i = 1; i < counters.Length; i++)
        {
            counters[i] = ((ulong)number * 11 + (ulong)i) & 0xFFFF;
        }
        b.CallAtBaseGas(CiroFunction.LabUpdateStats, counters);
        CountClassBilling(s, CiroFunction.LabUpdateStats);
        b.Emit(EventKind.StatsUpdated, a.LabLedger, [jobId], [worker]);
        b.End(s, 0);

        b.Begin(a.ControlSender);
        b.CallAtBaseGas(CiroFunction.ControlRecordResult, [jobId, worker, (ulong)score, proof]);
        b.Emit(EventKind.ResultRecorded, a.ControlLedger, [jobId, worker], [(ulong)score, proof]);
        // The same eleven counters, packed four to a felt (each past 2^64, so not "small").
        var packed1 = b.U128(((UInt128)(ulong)number << 64) | 0xFFFF_0000_FFFF);
        var packed2 = b.U128(((UInt128)(ulong)number << 80) | 0xFFFF_FFFF);
        b.CallAtBaseGas(CiroFunction.ControlUpdateStats, [worker, packed1, packed2]);
        b.Emit(EventKind.StatsUpdated, a.ControlLedger, [jobId], [worker]);
        b.End(s, 0);

        for (var i = 0; i < heartbeats; i++)
        {
            var sequence = (ulong)(number * heartbeats + i);
            b.Begin(a.LabWorker);
            b.CallAtBaseGas(CiroFunction.Heartbeat, [a.LabWorker.Code, sequence]);
            b.Emit(EventKind.Heartbeat, a.ControlLedger, [a.LabWorker.Code], [sequence]);
            b.End(s, 0);
        }

        var amount = b.U128(1_000_000_000_000_000);
        b.Begin(a.GenerousSender);
        b.CallAtBaseGas(CiroFunction.Transfer, [a.LabWorker.Code, amount, 0]);
        b.Emit(EventKind.Transfer, a.FeeToken, [a.GenerousSender.Code, a.LabWorker.Code], [amount, 0]);
        b.End(s, 0, l2GasBound: GenerousBoundFactor * TransferL2Gas);
        Count("optimisation.generousTransactions", 1);
        Count("optimisation.generousUnusedBoundL2Gas", (long)((GenerousBoundFactor - 1) * TransferL2Gas));

        b.Begin(a.TightSender);
        b.CallAtBaseGas(CiroFunction.Transfer, [a.LabWorker.Code, amount, 0]);
        b.End(s, 0, CiroCatalog.InsufficientMaxL2Gas, TightBound);
        Count("optimisation.tightReverts", 1);
    }

    /// <summary>Counts a call's L2 gas when its contract's class is billed by VM resources, with what Sierra gas would
    /// not charge of it.</summary>
    private void CountClassBilling(ChainState s, CiroFunction function)
    {
        var profile = CiroCatalog.Profile(function);
        if (!VmBilling.IsVmBilled(s.ClassOf(profile.Contract).SierraVersion))
        {
            return;
        }
        Count("optimisation.oldSierraL2Gas", (long)profile.BaseL2Gas);
        Count("optimisation.recompileSavingL2Gas", (long)(profile.BaseL2Gas - VmBilling.SierraGas(profile.BaseL2Gas)));
    }

    private void Count(string effect, long n) => effects[effect] = checked((int)(effects.GetValueOrDefault(effect) + n));
}
