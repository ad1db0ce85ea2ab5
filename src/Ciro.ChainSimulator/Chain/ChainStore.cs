using System.Collections.Concurrent;
using System.Diagnostics;
using Ciro.ChainSimulator.Generation;
using Ciro.ChainSimulator.Scenarios;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Chain;

/// <summary>A consistent read-only view: readers take one and never see a half-applied seal or reorg.</summary>
public sealed class ChainView(SimBlock[] blocks, int count, SimBlock pending, int l1AcceptedLag)
{
    public SimBlock Head => blocks[count - 1];
    public long HeadNumber => count - 1;
    public SimBlock Pending => pending;
    public long L1AcceptedNumber => Math.Max(0, HeadNumber - l1AcceptedLag);
    public SimBlock? ByNumber(long n) => n >= 0 && n < count ? blocks[n] : null;
    public bool IsL1Accepted(long n) => n <= L1AcceptedNumber;
}

public sealed record ReorgInfo(long FirstNumber, long LastNumber, Felt[] OldHashes, Felt[] NewHashes, int Branch);

/// <summary>
/// The canonical chain, the pre-confirmed block built one ahead, and the generator states needed to rebuild
/// recent blocks. Writers serialise on one lock; readers use <see cref="View"/>.
/// </summary>
public sealed class ChainStore
{
    private readonly SimulatorOptions _options;
    private readonly BlockGenerator _generator;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<Felt, long> _txBlock = new();
    private readonly ConcurrentDictionary<Felt, long> _blockByHash = new();
    private readonly Dictionary<long, ChainState> _states = new();
    private readonly List<ReorgInfo> _reorgs = new();
    private SimBlock[] _blocks = new SimBlock[1024];
    private int _count;
    private ChainState _pendingState = null!;
    private volatile ChainView _view = null!;
    private int _branch;

    public ChainStore(SimulatorOptions options, BlockGenerator generator, Accounts accounts)
    {
        _options = options;
        _generator = generator;
        Accounts = accounts;
        Scenario = ChainScenario.Default;
        var genesisState = ChainState.Initial(accounts, (uint)options.MonitorSampleRate, options.Seed);
        Append(_generator.Generate(genesisState, 0, 0, null, Scenario), genesisState, keepState: true);
        RebuildPending();
    }

    public Accounts Accounts { get; }
    public ChainView View => _view;
    public ChainScenario Scenario { get; private set; }
    public long ScenarioSinceBlock { get; private set; }
    public GroundTruth Truth { get; } = new();
    public Lock Gate => _gate;
    public IReadOnlyList<ReorgInfo> Reorgs => _reorgs;
    /// <summary>The generator state after the head block (never mutated once stored).</summary>
    public ChainState HeadState
    {
        get
        {
            lock (_gate)
            {
                return _states[_count - 1];
            }
        }
    }

    public event Action<SimBlock>? NewHead;
    public event Action<ReorgInfo>? Reorged;

    /// <summary>Where a transaction is: a canonical block number, or the pre-confirmed block.</summary>
    public bool TryFindTransaction(Felt hash, ChainView view, out SimBlock block, out int index)
    {
        if (_txBlock.TryGetValue(hash, out var n) && view.ByNumber(n) is { } b && (index = IndexOf(b, hash)) >= 0)
        {
            block = b;
            return true;
        }
        block = view.Pending;
        index = IndexOf(view.Pending, hash);
        return index >= 0;
    }

    public SimBlock? FindBlock(Felt hash, ChainView view) =>
        _blockByHash.TryGetValue(hash, out var n) && view.ByNumber(n) is { } b && b.Hash == hash ? b : null;

    private static int IndexOf(SimBlock block, Felt hash)
    {
        var txs = block.Transactions;
        for (var i = 0; i < txs.Length; i++)
        {
            if (txs[i].Hash == hash)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The timer's tick: the pre-confirmed block becomes the new head.</summary>
    public SimBlock SealPending()
    {
        SimBlock sealedBlock;
        lock (_gate)
        {
            sealedBlock = _view.Pending;
            Append(sealedBlock, _pendingState, keepState: true);
            if (Scenario.PhaseAt(_count) == PeakPhase.Over)
            {
                // A peak with a duration ends by itself: the chain (and /admin/scenario) is steady again.
                Scenario = ChainScenario.Default;
                ScenarioSinceBlock = _count;
            }
            RebuildPending();
        }
        NewHead?.Invoke(sealedBlock);
        return sealedBlock;
    }

    public void SetScenario(ChainScenario scenario)
    {
        lock (_gate)
        {
            // A peak's idle and full phases count from the block now pre-confirmed.
            Scenario = scenario.PeakTransactions > 0 ? scenario with { StartBlock = _count } : scenario;
            ScenarioSinceBlock = _count;
            RebuildPending(); // the pre-confirmed block is not final: rebuild it under the new scenario
        }
    }

    /// <summary>Replaces the last <paramref name="depth"/> blocks with a new branch (new hashes, new contents).</summary>
    public ReorgInfo Reorg(int depth)
    {
        ReorgInfo info;
        lock (_gate)
        {
            var head = _count - 1;
            if (depth < 1 || depth > MaxReorgDepth)
            {
                throw new ArgumentOutOfRangeException(nameof(depth), depth, $"depth must be in [1, {MaxReorgDepth}]");
            }
            var first = head - depth + 1;
            var old = new Felt[depth];
            var blocks = (SimBlock[])_blocks.Clone(); // views taken before the reorg keep the old branch intact
            for (var n = first; n <= head; n++)
            {
                var orphan = blocks[n];
                old[n - first] = orphan.Hash;
                _blockByHash.TryRemove(orphan.Hash, out _);
                Truth.Orphan(orphan);
                foreach (var tx in orphan.Transactions)
                {
                    _txBlock.TryRemove(new KeyValuePair<Felt, long>(tx.Hash, n));
                }
                _states.Remove(n);
            }
            _blocks = blocks;
            _count = (int)first;
            _branch++;
            var fresh = new Felt[depth];
            for (var n = first; n <= head; n++)
            {
                var state = _states[n - 1].Clone();
                var block = _generator.Generate(state, n, _branch, _blocks[n - 1], Scenario);
                Append(block, state, keepState: true);
                fresh[n - first] = block.Hash;
            }
            RebuildPending();
            info = new ReorgInfo(first, head, old, fresh, _branch);
            _reorgs.Add(info);
        }
        Reorged?.Invoke(info);
        return info;
    }

    public ulong BlockL2GasLimit => _options.BlockL2GasLimit;

    public long MaxReorgDepth => Math.Min(_options.L1AcceptedLag, _count - 1);

    public sealed record PregenerationResult(int Blocks, long Transactions, long Events, TimeSpan Elapsed);

    /// <summary>Appends <paramref name="blocks"/> blocks at once (backfill history) and says what it built how fast.</summary>
    public PregenerationResult Pregenerate(int blocks, int eventsPerBlock)
    {
        var scenario = eventsPerBlock > 0
            ? ChainScenario.Default with { JobsPerBlockOverride = eventsPerBlock / 11.0, TargetEventsPerBlock = eventsPerBlock }
            : ChainScenario.Default;
        var clock = Stopwatch.StartNew();
        long transactionsBefore, eventsBefore;
        lock (_gate)
        {
            (transactionsBefore, eventsBefore) = (Truth.Transactions, Truth.Events);
            var state = _states[_count - 1].Clone();
            var last = _count - 1 + blocks;
            for (long n = _count; n <= last; n++)
            {
                var block = _generator.Generate(state, n, _branch, _blocks[n - 1], scenario);
                // Only recent states are kept (reorgs reach back L1AcceptedLag blocks); copying them all would
                // dominate the cost of a million-event history.
                var keep = n >= last - _options.L1AcceptedLag;
                Append(block, keep ? state.Clone() : state, keep);
            }
            RebuildPending();
            return new PregenerationResult(blocks, Truth.Transactions - transactionsBefore, Truth.Events - eventsBefore, clock.Elapsed);
        }
    }

    private void Append(SimBlock block, ChainState stateAfter, bool keepState)
    {
        if (_count == _blocks.Length)
        {
            Array.Resize(ref _blocks, _blocks.Length * 2);
        }
        _blocks[_count] = block;
        _count++;
        _blockByHash[block.Hash] = block.Number;
        foreach (var tx in block.Transactions)
        {
            _txBlock[tx.Hash] = block.Number;
        }
        Truth.Add(block);
        if (keepState)
        {
            _states[block.Number] = stateAfter;
            _states.Remove(block.Number - _options.L1AcceptedLag - 2);
        }
    }

    private void RebuildPending()
    {
        var head = _blocks[_count - 1];
        _pendingState = _states[head.Number].Clone();
        var pending = _generator.Generate(_pendingState, head.Number + 1, _branch, head, Scenario);
        _view = new ChainView(_blocks, _count, pending, _options.L1AcceptedLag);
    }
}
