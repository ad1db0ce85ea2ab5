namespace Ciro.Starknet.Abi;

/// <summary>An ABI that cannot be read, or felts that do not fit the type the ABI declares.</summary>
public sealed class AbiException(string message, Exception? inner = null) : Exception(message, inner);
