using Ciro.ChainSimulator.Chain;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Generation;

/// <summary>
/// Assembles one block: transactions as Cairo 1 account multicalls (__execute__ calldata
/// [n_calls, to, selector, len, ...args, ...]), their events, fees and the fee-token Transfer every
/// transaction pays, reverted or not. Hashes and commitments are computed when the block is sealed.
/// </summary>
public sealed class BlockBuilder
{
    private readonly FeltTable _felts;
    private readonly Accounts _accounts;
    private readonly ulong[][] _eventKeyPathCodes;
    private readonly ulong[] _functionSelectorCodes;
    private readonly ulong _chainIdCode;

    private readonly List<ulong> _pool = new(4096);
    private readonly List<SimTx> _txs = new(64);
    private readonly List<SimEvent> _events = new(256);
    private readonly List<ulong> _calls = new(32);
    private readonly List<ulong> _hashInput = new(64);
    private readonly List<SimCall> _simCalls = new(64);

    private SimAccount? _sender;
    private int _callCount;
    private ulong _l2Gas;
    private ulong _monitorGas;
    private int _writes;
    private int _txFirstEvent;
    private int _txFirstCall;
    private ulong _callGasStart;
    private int _callWritesStart;
    private byte _firstFunction;
    private Action<Felt>? _onHash;

    public BlockBuilder(FeltTable felts, Accounts accounts, Felt chainId)
    {
        _felts = felts;
        _accounts = accounts;
        _eventKeyPathCodes = CiroCatalog.EventKeyPaths.Select(p => p.Select(felts.Encode).ToArray()).ToArray();
        _functionSelectorCodes = CiroCatalog.Functions.Select(f => felts.Encode(f.Selector)).ToArray();
        _chainIdCode = felts.Encode(chainId);
    }

    public int TransactionCount => _txs.Count;
    public int EventCount => _events.Count;
    public ulong L2GasUsed { get; private set; }
    public int StorageWrites { get; private set; }
    public int RevertedCount { get; private set; }
    public FeltTable Felts => _felts;

    public void Begin(SimAccount sender)
    {
        _sender = sender;
        _callCount = 0;
        _l2Gas = CiroCatalog.AccountOverheadL2Gas;
        _monitorGas = 0;
        _writes = 1; // the nonce
        _calls.Clear();
        _txFirstEvent = _events.Count;
        _txFirstCall = _simCalls.Count;
        _onHash = null;
    }

    /// <summary>Starts the trace record of the next call: gas, writes and events from here until the next call (or
    /// the fee transfer) are the call's, hooks included (they run inside the called contract).</summary>
    private void OpenCall(FunctionProfile profile)
    {
        CloseCall();
        _callGasStart = _l2Gas;
        _callWritesStart = _writes;
        _simCalls.Add(new SimCall { FirstEvent = _events.Count, SmallValues = profile.SmallValueWrites });
    }

    private void CloseCall()
    {
        if (_simCalls.Count == _txFirstCall)
        {
            return;
        }
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_simCalls);
        ref var call = ref span[^1];
        call.L2Gas = _l2Gas - _callGasStart;
        call.StorageWrites = _writes - _callWritesStart;
        call.EventCount = _events.Count - call.FirstEvent;
        _callGasStart = _l2Gas;
        _callWritesStart = _writes;
    }

    /// <summary>Adds one call of the multicall; <paramref name="gasFactor"/> is the gas-spike multiplier.</summary>
    public void Call(CiroFunction function, ReadOnlySpan<ulong> args, ref Rng rng, double gasFactor = 1, TargetContract? to = null)
    {
        var profile = CiroCatalog.Profile(function);
        if (_callCount == 0)
        {
            _firstFunction = (byte)function;
        }
        _callCount++;
        OpenCall(profile);
        _calls.Add(_accounts.ContractCode(to ?? profile.Contract));
        _calls.Add(_functionSelectorCodes[(int)function]);
        _calls.Add((ulong)args.Length);
        foreach (var a in args)
        {
            _calls.Add(a);
        }
        _l2Gas += (ulong)(rng.Jitter(profile.BaseL2Gas, 0.08) * gasFactor);
        _writes += profile.StorageWrites;
    }

    /// <summary>A call whose gas is its profile's base, without jitter: the keeper's and admin's monitor calls, so
    /// that they draw nothing from the block's random stream and the business chain is the same at every rate.</summary>
    public void CallAtBaseGas(CiroFunction function, ReadOnlySpan<ulong> args, TargetContract? to = null)
    {
        var profile = CiroCatalog.Profile(function);
        if (_callCount == 0)
        {
            _firstFunction = (byte)function;
        }
        _callCount++;
        OpenCall(profile);
        _calls.Add(_accounts.ContractCode(to ?? profile.Contract));
        _calls.Add(_functionSelectorCodes[(int)function]);
        _calls.Add((ulong)args.Length);
        foreach (var a in args)
        {
            _calls.Add(a);
        }
        _l2Gas += profile.BaseL2Gas;
        _writes += profile.StorageWrites;
    }

    /// <summary>L2 gas the performance monitor's hooks add to the transaction (kept apart for the overhead report).</summary>
    public void AddMonitorGas(ulong gas)
    {
        _l2Gas += gas;
        _monitorGas += gas;
    }

    /// <summary>Adds raw L2 gas (congestion fillers are sized to fill the block; the monitor's reads, writes and events).</summary>
    public void AddL2Gas(ulong gas) => _l2Gas += gas;

    /// <summary>Storage slots written beyond the called functions' own (the monitor's packed slots).</summary>
    public void AddStorageWrites(int writes) => _writes += writes;

    /// <summary>Runs once the transaction's hash is known, before its fee: a hook that samples on the tx hash
    /// (the monitor's record_call) emits its events there, after the calls' own.</summary>
    public void OnHash(Action<Felt> hook) => _onHash = hook;

    /// <summary>keys[0] is the variant selector; <paramref name="keys"/> are the #[key] fields after it.</summary>
    public void Emit(EventKind kind, ulong from, ReadOnlySpan<ulong> keys, ReadOnlySpan<ulong> data)
    {
        var start = _pool.Count;
        var path = _eventKeyPathCodes[(int)kind];
        foreach (var selector in path)
        {
            _pool.Add(selector);
        }
        foreach (var k in keys)
        {
            _pool.Add(k);
        }
        foreach (var d in data)
        {
            _pool.Add(d);
        }
        _events.Add(new SimEvent
        {
            From = from,
            Start = start,
            KeyCount = (byte)(keys.Length + path.Length),
            DataCount = (byte)data.Length,
            TxIndex = (ushort)_txs.Count,
            IndexInTx = (ushort)(_events.Count - _txFirstEvent),
            Kind = (byte)kind,
        });
    }

    public ulong U128(UInt128 value) => _felts.Encode(new Felt(0, value));

    public ulong Code(Felt value) => _felts.Encode(value);

    /// <summary>
    /// Closes the transaction. A reverted one keeps its calldata, pays for the gas it burnt (60% of execution:
    /// it stopped part-way) and only the nonce write, and still emits the fee Transfer.
    /// actual_fee = l1_gas·l1_price + l1_data_gas·l1_data_price + l2_gas·(l2_price + tip), all FRI.
    /// </summary>
    public void End(ChainState state, ulong tip, short revertReason = -1, ulong l2GasBound = 0)
    {
        var sender = _sender ?? throw new InvalidOperationException("End without Begin");
        var reverted = revertReason >= 0;
        if (reverted)
        {
            // Events emitted by calls of a reverted transaction do not exist on chain, nor do its calls' writes.
            CloseCall();
            var calls = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_simCalls)[_txFirstCall..];
            foreach (ref var call in calls)
            {
                call.EventCount = 0;
                call.FirstEvent = _txFirstEvent;
                call.StorageWrites = 0;
            }
            _events.RemoveRange(_txFirstEvent, _events.Count - _txFirstEvent);
            _l2Gas = CiroCatalog.AccountOverheadL2Gas + (_l2Gas - CiroCatalog.AccountOverheadL2Gas) * 6 / 10;
            _writes = 1;
        }
        var calldataStart = _pool.Count;
        _pool.Add((ulong)_callCount);
        foreach (var c in _calls)
        {
            _pool.Add(c);
        }
        var calldataLength = _pool.Count - calldataStart;
        var nonce = state.Nonces[sender.Slot]++;
        var hash = TransactionHash(sender, nonce, calldataStart, calldataLength, tip);
        if (!reverted)
        {
            _onHash?.Invoke(hash);
        }
        _onHash = null;
        if (!reverted)
        {
            CloseCall();
        }
        var l1DataGas = CiroCatalog.L1DataGasPerWrite * (ulong)(_writes + 1);
        var fee = (UInt128)l1DataGas * state.L1DataGasFri + (UInt128)_l2Gas * (state.L2GasFri + tip);

        Emit(EventKind.Transfer, _accounts.FeeToken, [sender.Code, _accounts.Sequencer], [U128(fee), 0]);

        _txs.Add(new SimTx
        {
            Hash = hash,
            Sender = sender.Code,
            Nonce = nonce,
            CalldataStart = calldataStart,
            CalldataLength = calldataLength,
            FirstEvent = _txFirstEvent,
            EventCount = _events.Count - _txFirstEvent,
            L1Gas = 0,
            L1DataGas = l1DataGas,
            L2Gas = _l2Gas,
            Fee = fee,
            Tip = tip,
            RevertReason = revertReason,
            Function = _firstFunction,
            MonitorL2Gas = reverted ? 0 : _monitorGas,
            FirstCall = _txFirstCall,
            CallCount = _simCalls.Count - _txFirstCall,
            L2GasBound = l2GasBound,
        });
        L2GasUsed += _l2Gas;
        StorageWrites += _writes;
        RevertedCount += reverted ? 1 : 0;
        _sender = null;
    }

    /// <summary>Stands in for the v3 transaction hash: over the chain id, sender, nonce, calldata and tip,
    /// so the same signed transaction keeps its hash if a reorg re-includes it.</summary>
    private Felt TransactionHash(SimAccount sender, ulong nonce, int calldataStart, int calldataLength, ulong tip)
    {
        _hashInput.Clear();
        _hashInput.Add(0x696e766f6b65); // "invoke"
        _hashInput.Add(3);
        _hashInput.Add(_chainIdCode);
        FeltHash.AddFelt(_hashInput, sender.Address);
        _hashInput.Add(nonce);
        _hashInput.Add(tip);
        for (var i = calldataStart; i < calldataStart + calldataLength; i++)
        {
            var code = _pool[i];
            if (FeltTable.IsSmall(code))
            {
                _hashInput.Add(code);
            }
            else
            {
                FeltHash.AddFelt(_hashInput, _felts.Decode(code));
            }
        }
        return FeltHash.Of(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_hashInput));
    }

    private readonly List<ClassChange> _classChanges = [];

    public void AddClassChange(ClassChange change) => _classChanges.Add(change);

    public ClassChange[] TakeClassChanges() => _classChanges.ToArray();

    public SimTx[] TakeTransactions() => _txs.ToArray();
    public SimEvent[] TakeEvents() => _events.ToArray();
    public ulong[] TakeFelts() => _pool.ToArray();
    public SimCall[] TakeCalls() => _simCalls.ToArray();
}
