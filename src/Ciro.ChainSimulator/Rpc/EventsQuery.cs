using System.Buffers.Binary;
using System.Text.Json;
using Ciro.ChainSimulator.Chain;

namespace Ciro.ChainSimulator.Rpc;

/// <summary>
/// starknet_getEvents: block range, one address or a list, positional key filters (keys[i] lists the values
/// allowed at position i; an empty list allows any value, even a missing key), chunk_size paging with an opaque
/// continuation token that carries the next position and a fingerprint of the filter it belongs to.
/// </summary>
public sealed class EventsQuery(ChainStore chain, FeltTable felts, ChainJsonWriter json, SimulatorOptions options)
{
    private sealed record Filter(long From, long To, EventMatcher Matcher, ulong Fingerprint);

    public RpcOutcome Execute(JsonElement? raw, ChainView view)
    {
        if (raw is not { ValueKind: JsonValueKind.Object } f)
        {
            return RpcError.InvalidParams("filter must be an object");
        }
        if (!f.TryGetProperty("chunk_size", out var chunkElement) || !chunkElement.TryGetInt32(out var chunkSize) || chunkSize < 1)
        {
            return RpcError.InvalidParams($"chunk_size must be an integer ≥ 1, got {(f.TryGetProperty("chunk_size", out var c) ? c.GetRawText() : "nothing")}");
        }
        if (chunkSize > options.MaxChunkSize)
        {
            return RpcError.PageSizeTooBig.WithData($"chunk_size {chunkSize} exceeds {options.MaxChunkSize}");
        }
        if (!TryParseFilter(f, view, out var filter, out var error))
        {
            return error!;
        }
        var (block, index) = (filter.From, 0);
        if (f.TryGetProperty("continuation_token", out var tokenElement) && tokenElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryReadToken(tokenElement.GetString(), filter, out block, out index))
            {
                return RpcError.InvalidContinuationToken;
            }
        }

        var found = new List<(SimBlock Block, int Event, bool Pending)>(Math.Min(chunkSize, 1024));
        string? next = null;
        for (var n = block; n <= filter.To; n++, index = 0)
        {
            var pending = n == view.HeadNumber + 1;
            var b = pending ? view.Pending : view.ByNumber(n)!;
            for (var i = index; i < b.Events.Length; i++)
            {
                if (!filter.Matcher.Matches(b, b.Events[i]))
                {
                    continue;
                }
                if (found.Count == chunkSize)
                {
                    next = WriteToken(n, i, filter.Fingerprint);
                    goto done;
                }
                found.Add((b, i, pending));
            }
        }
        done:
        return RpcOutcome.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("events"u8);
            foreach (var (b, i, pending) in found)
            {
                json.EmittedEvent(w, b, b.Events[i], pending);
            }
            w.WriteEndArray();
            if (next is not null)
            {
                w.WriteString("continuation_token"u8, next);
            }
            w.WriteEndObject();
        });
    }

    private bool TryParseFilter(JsonElement f, ChainView view, out Filter filter, out RpcError? error)
    {
        filter = null!;
        var fingerprint = new Fnv();
        long from = 0, to = view.HeadNumber;
        if (f.TryGetProperty("from_block", out var fromElement))
        {
            if (!BlockIds.TryResolve(fromElement, view, chain, out var r, out error))
            {
                return false;
            }
            from = r.Pending ? view.HeadNumber + 1 : r.Block.Number;
            fingerprint.Add(fromElement.GetRawText());
        }
        if (f.TryGetProperty("to_block", out var toElement))
        {
            if (!BlockIds.TryResolve(toElement, view, chain, out var r, out error))
            {
                return false;
            }
            to = r.Pending ? view.HeadNumber + 1 : r.Block.Number;
            fingerprint.Add(toElement.GetRawText());
        }

        f.TryGetProperty("address", out var address);
        f.TryGetProperty("keys", out var keys);
        if (!EventFilter.TryParse(address, keys, options.MaxFilterKeys, out var parsed, out error))
        {
            return false;
        }
        fingerprint.Add(parsed.Canonical());
        error = null;
        filter = new Filter(from, to, parsed.Compile(felts, intern: false), fingerprint.Value);
        return true;
    }

    private static string WriteToken(long block, int index, ulong fingerprint)
    {
        Span<byte> bytes = stackalloc byte[20];
        BinaryPrimitives.WriteInt64BigEndian(bytes, block);
        BinaryPrimitives.WriteInt32BigEndian(bytes[8..], index);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[12..], fingerprint);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static bool TryReadToken(string? token, Filter filter, out long block, out int index)
    {
        block = 0;
        index = 0;
        if (token is null || token.Length != 27)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[21];
        var base64 = token.Replace('-', '+').Replace('_', '/') + "=";
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != 20)
        {
            return false;
        }
        block = BinaryPrimitives.ReadInt64BigEndian(bytes);
        index = BinaryPrimitives.ReadInt32BigEndian(bytes[8..]);
        var fingerprint = BinaryPrimitives.ReadUInt64BigEndian(bytes[12..]);
        return fingerprint == filter.Fingerprint && block >= filter.From && block <= filter.To && index >= 0;
    }

    /// <summary>FNV-1a over the filter's canonical parts: a token only continues the query that issued it.</summary>
    private struct Fnv
    {
        private ulong _hash;
        public readonly ulong Value => _hash == 0 ? 14695981039346656037UL : _hash;

        public void Add(string text)
        {
            var h = Value;
            foreach (var ch in text)
            {
                h = (h ^ ch) * 1099511628211UL;
            }
            h = (h ^ 0xFF) * 1099511628211UL;
            _hash = h;
        }
    }
}
