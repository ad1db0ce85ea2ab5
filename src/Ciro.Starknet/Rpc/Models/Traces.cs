namespace Ciro.Starknet.Rpc;

/// <summary>starknet_traceTransaction: what one transaction executed, as a call tree per phase. Type says which
/// phases exist (trace API v0.7–v0.10): INVOKE has validate, execute and fee transfer; DECLARE validate and fee
/// transfer; DEPLOY_ACCOUNT validate, constructor and fee transfer; L1_HANDLER one function invocation.</summary>
public sealed record TransactionTrace
{
    /// <summary>INVOKE, DECLARE, DEPLOY_ACCOUNT or L1_HANDLER.</summary>
    public string Type { get; init; } = "";

    /// <summary>The account's __validate__ (absent for L1_HANDLER, and when validation was skipped).</summary>
    public FunctionInvocation? ValidateInvocation { get; init; }

    /// <summary>INVOKE: the account's __execute__ call tree, or only <see cref="FunctionInvocation.RevertReason"/>
    /// when the transaction reverted.</summary>
    public FunctionInvocation? ExecuteInvocation { get; init; }

    /// <summary>DEPLOY_ACCOUNT: the new account's constructor.</summary>
    public FunctionInvocation? ConstructorInvocation { get; init; }

    /// <summary>L1_HANDLER: the handler's call tree (revertible since v0.8, like ExecuteInvocation).</summary>
    public FunctionInvocation? FunctionInvocation { get; init; }

    /// <summary>The fee token's transfer from the account to the sequencer (absent when the fee was not charged).</summary>
    public FunctionInvocation? FeeTransferInvocation { get; init; }

    /// <summary>The state this transaction changed (optional in the spec; nodes usually send it).</summary>
    public StateDiff? StateDiff { get; init; }

    /// <summary>The whole transaction's resources, data included; same two shapes as a receipt's.</summary>
    public ExecutionResources ExecutionResources { get; init; } = new();

    /// <summary>Every invocation of the trace (all phases, depth first, parents before children).</summary>
    public IEnumerable<FunctionInvocation> AllInvocations()
    {
        foreach (var root in new[] { ValidateInvocation, ExecuteInvocation, ConstructorInvocation, FunctionInvocation, FeeTransferInvocation })
        {
            if (root is null)
            {
                continue;
            }
            foreach (var invocation in root.SelfAndDescendants())
            {
                yield return invocation;
            }
        }
    }
}

/// <summary>One call of a trace: the called contract and entry point, what it returned, the calls it made, and the
/// events and L2→L1 messages it emitted itself (its children's are under <see cref="Calls"/>).</summary>
public sealed record FunctionInvocation
{
    public Felt ContractAddress { get; init; }
    public Felt EntryPointSelector { get; init; }
    public IReadOnlyList<Felt> Calldata { get; init; } = [];

    /// <summary>0 for a root invocation.</summary>
    public Felt CallerAddress { get; init; }

    /// <summary>The class that ran: for a LIBRARY_CALL the library's class, not the contract's.</summary>
    public Felt ClassHash { get; init; }

    /// <summary>EXTERNAL, L1_HANDLER or CONSTRUCTOR.</summary>
    public string EntryPointType { get; init; } = "";

    /// <summary>CALL, LIBRARY_CALL or DELEGATE.</summary>
    public string CallType { get; init; } = "";

    public IReadOnlyList<Felt> Result { get; init; } = [];
    public IReadOnlyList<FunctionInvocation> Calls { get; init; } = [];
    public IReadOnlyList<OrderedEvent> Events { get; init; } = [];
    public IReadOnlyList<OrderedMessage> Messages { get; init; } = [];

    /// <summary>Resources of the call tree rooted here, this call included: {l1_gas, l2_gas} since v0.8 (no L1 data
    /// gas: data is counted per transaction), Cairo steps and builtins in v0.7.</summary>
    public ExecutionResources ExecutionResources { get; init; } = new();

    /// <summary>v0.8+: true when this inner call panicked (its caller may have caught it).</summary>
    public bool IsReverted { get; init; }

    /// <summary>Set only on a reverted execute (or L1 handler) invocation, which then carries nothing else: the spec's
    /// REVERTIBLE_FUNCTION_INVOCATION is either a call tree or <c>{revert_reason}</c>.</summary>
    public string? RevertReason { get; init; }

    public IEnumerable<FunctionInvocation> SelfAndDescendants()
    {
        var stack = new Stack<FunctionInvocation>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var invocation = stack.Pop();
            yield return invocation;
            for (var i = invocation.Calls.Count - 1; i >= 0; i--)
            {
                stack.Push(invocation.Calls[i]);
            }
        }
    }
}

/// <summary>An event with its position among all events of the transaction.</summary>
public sealed record OrderedEvent
{
    public int Order { get; init; }
    public IReadOnlyList<Felt> Keys { get; init; } = [];
    public IReadOnlyList<Felt> Data { get; init; } = [];
}

/// <summary>An L2→L1 message with its position among all messages of the transaction.</summary>
public sealed record OrderedMessage
{
    public int Order { get; init; }

    /// <summary>Optional in the trace API's MSG_TO_L1 (the invocation's contract sent it).</summary>
    public Felt? FromAddress { get; init; }

    public Felt ToAddress { get; init; }
    public IReadOnlyList<Felt> Payload { get; init; } = [];
}

/// <summary>One element of starknet_traceBlockTransactions.</summary>
public sealed record BlockTransactionTrace
{
    public Felt TransactionHash { get; init; }
    public TransactionTrace TraceRoot { get; init; } = new();
}
