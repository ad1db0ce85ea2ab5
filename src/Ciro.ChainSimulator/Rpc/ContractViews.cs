using System.Text.Json;
using Ciro.Starknet;

namespace Ciro.ChainSimulator.Rpc;

/// <summary>
/// starknet_call against the simulated contracts. Only views whose answer the chain's ground truth knows are
/// served; any other selector is ENTRYPOINT_NOT_FOUND and any other address CONTRACT_NOT_FOUND, as on a node.
/// </summary>
public sealed class ContractViews(SimulatorOptions options)
{
    private static readonly Felt GetJobCount = Selector.FromName("get_job_count");
    private static readonly Felt GetWorkerCount = Selector.FromName("get_worker_count");
    private static readonly Felt Decimals = Selector.FromName("decimals");
    private static readonly Felt Symbol = Selector.FromName("symbol");

    public RpcOutcome Call(JsonElement request, BlockRef at)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            return RpcError.InvalidParams("request must be a FUNCTION_CALL object");
        }
        request.TryGetProperty("contract_address", out var addressElement);
        request.TryGetProperty("entry_point_selector", out var selectorElement);
        if (!BlockIds.TryParseFelt(addressElement.ValueKind == JsonValueKind.Undefined ? null : addressElement, "request.contract_address", out var address, out var error)
            || !BlockIds.TryParseFelt(selectorElement.ValueKind == JsonValueKind.Undefined ? null : selectorElement, "request.entry_point_selector", out var selector, out error))
        {
            return error!;
        }
        if (!request.TryGetProperty("calldata", out var calldata) || calldata.ValueKind != JsonValueKind.Array)
        {
            return RpcError.InvalidParams("request.calldata must be an array of felts");
        }
        var block = at.Block;
        Felt[]? result = null;
        if (address == options.JobManager)
        {
            // u256 job count: [low, high]
            result = selector == GetJobCount ? [(ulong)block.JobCountAfter, Felt.Zero] : null;
        }
        else if (address == options.CdcPool)
        {
            result = selector == GetWorkerCount ? [(ulong)block.WorkerCountAfter] : null;
        }
        else if (address == options.FeeToken)
        {
            result = selector == Decimals ? [18UL] : selector == Symbol ? [Felt.FromShortString("STRK")] : null;
        }
        else
        {
            return RpcError.ContractNotFound;
        }
        if (result is null)
        {
            return RpcError.EntrypointNotFound;
        }
        if (calldata.GetArrayLength() != 0)
        {
            return RpcError.ContractError($"Failed to deserialize param #1: the view takes no arguments, got {calldata.GetArrayLength()}");
        }
        return RpcOutcome.Ok(w =>
        {
            w.WriteStartArray();
            foreach (var f in result)
            {
                ChainJsonWriter.FeltValue(w, f);
            }
            w.WriteEndArray();
        });
    }
}
