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
/// each further transaction's account overhead).</item>
/// </list>
/// Every call is at its profile's base gas and draws nothing from the block's random stream, so the rest of the
/// chain is the same with or without the scenario.
/// </summary>
public sealed class GasLab(BlockBuilder b, Accounts a)
{
    public void Block(ChainState s, long number, int heartbeats)
    {
        var jobId = (ulong)number;
        var worker = a.Workers[(int)(number % a.Workers.Length)].Account.Code;
        var score = (FeltHash.Of((ulong)number, 0x5C0).Low & 0x7FFF_FFFF) | 0x1;
        var proof = b.Code(FeltHash.Of((ulong)number, 0x9F));

        b.Begin(a.LabSender);
        b.CallAtBaseGas(CiroFunction.LabRecordResult, [jobId, worker, (ulong)score, proof]);
        b.Emit(EventKind.ResultRecorded, a.LabLedger, [jobId, worker, (ulong)score, proof], []);
        Span<ulong> counters = stackalloc ulong[12];
        counters[0] = worker;
        for (var i = 1; i < counters.Length; i++)
        {
            counters[i] = ((ulong)number * 11 + (ulong)i) & 0xFFFF;
        }
        b.CallAtBaseGas(CiroFunction.LabUpdateStats, counters);
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
    }
}
