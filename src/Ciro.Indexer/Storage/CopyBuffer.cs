using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Ciro.Starknet;

namespace Ciro.Indexer.Storage;

/// <summary>
/// One table's rows of a batch in PostgreSQL's binary COPY format, built in the fetch stage of the pipeline
/// (off the database connection) so the writer only streams bytes (<c>BeginRawBinaryCopy</c>). Encoding the
/// rows here instead of through Npgsql's typed importer removes its per-value parameter and async machinery,
/// which was most of the indexer's COPY cost, and lets decoded event JSON go straight into the jsonb field
/// without a string in between. Formats: PostgreSQL's <c>*_send</c> functions (int8, int4, timestamptz,
/// bytea, text, numeric, jsonb version 1, one-dimensional bytea[]). The buffer is pooled; <see cref="Dispose"/>
/// returns it (a buffer never disposed is simply collected).
/// </summary>
public sealed class CopyBuffer : IBufferWriter<byte>, IDisposable
{
    private const int ByteaOid = 17;
    private const long PostgresEpochUnixSeconds = 946_684_800; // 2000-01-01T00:00:00Z

    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    private byte[] _buffer;
    private int _length;

    public CopyBuffer(int capacity = 4096)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(64, capacity));
        Signature.CopyTo(_buffer);
        _length = Signature.Length;
        WriteInt32(0); // flags
        WriteInt32(0); // header extension length
    }

    public int Rows { get; private set; }

    /// <summary>The whole COPY stream, trailer included: only valid after <see cref="Complete"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    public byte[] Array => _buffer;

    public void StartRow(short fields)
    {
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), fields);
        _length += 2;
        Rows++;
    }

    /// <summary>Appends the end-of-data trailer (a field count of -1).</summary>
    public void Complete()
    {
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), -1);
        _length += 2;
    }

    public void Null() => WriteInt32(-1);

    public void Int8(long value)
    {
        Ensure(12);
        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
        _length += 12;
    }

    public void Int4(int value)
    {
        Ensure(8);
        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], value);
        _length += 8;
    }

    public void Bool(bool value)
    {
        Ensure(5);
        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
        _length += 5;
    }

    /// <summary>timestamptz of a block: microseconds since 2000-01-01 UTC.</summary>
    public void TimestampFromUnixSeconds(long unixSeconds) => Int8((unixSeconds - PostgresEpochUnixSeconds) * 1_000_000);

    /// <summary>A felt as 32 big-endian bytes (the storage form of every hash and address).</summary>
    public void Bytea(Felt felt)
    {
        Ensure(36);
        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteInt32BigEndian(span, 32);
        felt.WriteBytes(span.Slice(4, 32));
        _length += 36;
    }

    /// <summary>A one-dimensional bytea[] of 32-byte felts (an empty list is the empty array).</summary>
    public void ByteaArray(IReadOnlyList<Felt> felts)
    {
        var count = felts.Count;
        var size = count == 0 ? 12 : 20 + count * 36;
        Ensure(4 + size);
        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteInt32BigEndian(span, size);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], count == 0 ? 0 : 1); // dimensions
        BinaryPrimitives.WriteInt32BigEndian(span[8..], 0); // no nulls
        BinaryPrimitives.WriteInt32BigEndian(span[12..], ByteaOid);
        var at = 16;
        if (count > 0)
        {
            BinaryPrimitives.WriteInt32BigEndian(span[16..], count);
            BinaryPrimitives.WriteInt32BigEndian(span[20..], 1); // lower bound
            at = 24;
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(span[at..], 32);
                felts[i].WriteBytes(span.Slice(at + 4, 32));
                at += 36;
            }
        }
        _length += at;
    }

    /// <summary>Node-supplied text (revert reasons, versions, names) under <see cref="ChainText"/>'s rule: NUL and
    /// unpaired surrogates become U+FFFD, as PostgreSQL text rejects the first and UTF-8 cannot carry the second;
    /// otherwise the same batch would fail on every retry.</summary>
    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }
        value = ChainText.Clean(value)!;
        Ensure(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 4));
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), written);
        _length += 4 + written;
    }

    /// <summary>Starts a jsonb field (version 1, then JSON text written through this buffer as an
    /// <see cref="IBufferWriter{T}"/>); <see cref="EndJsonb"/> fills in its length.</summary>
    public int StartJsonb()
    {
        Ensure(5);
        var start = _length;
        _buffer[_length + 4] = 1;
        _length += 5;
        return start;
    }

    public void EndJsonb(int start) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(start), _length - start - 4);

    /// <summary>A non-negative integer as PostgreSQL numeric: base-10000 digits, most significant first,
    /// trailing zero groups folded into the weight, scale 0.</summary>
    public void Numeric(Felt value)
    {
        if (value.High != 0)
        {
            NumericBig(value.ToBigInteger());
            return;
        }
        Span<short> groups = stackalloc short[10]; // 2^128 < 10000^10; least significant first
        var count = 0;
        var low = value.Low;
        if (low <= ulong.MaxValue)
        {
            var v = (ulong)low;
            while (v != 0)
            {
                groups[count++] = (short)(v % 10000);
                v /= 10000;
            }
        }
        else
        {
            while (low != 0)
            {
                groups[count++] = (short)(ulong)(low % 10000);
                low /= 10000;
            }
        }
        WriteNumeric(groups[..count]);
    }

    private void NumericBig(BigInteger value)
    {
        var groups = new List<short>();
        while (!value.IsZero)
        {
            value = BigInteger.DivRem(value, 10000, out var remainder);
            groups.Add((short)remainder);
        }
        WriteNumeric(groups.ToArray());
    }

    /// <param name="groups">Base-10000 digits, least significant first.</param>
    private void WriteNumeric(ReadOnlySpan<short> groups)
    {
        var weight = groups.Length - 1;
        var skip = 0;
        while (skip < groups.Length && groups[skip] == 0)
        {
            skip++; // trailing zeros: implied by the weight
        }
        var digits = groups.Length - skip;
        Ensure(4 + 8 + 2 * digits);
        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteInt32BigEndian(span, 8 + 2 * digits);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], (short)digits);
        BinaryPrimitives.WriteInt16BigEndian(span[6..], (short)(digits == 0 ? 0 : weight));
        BinaryPrimitives.WriteInt16BigEndian(span[8..], 0); // sign: positive
        BinaryPrimitives.WriteInt16BigEndian(span[10..], 0); // display scale
        var at = 12;
        for (var i = groups.Length - 1; i >= skip; i--)
        {
            BinaryPrimitives.WriteInt16BigEndian(span[at..], groups[i]);
            at += 2;
        }
        _length += at;
    }

    private void WriteInt32(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    private void Ensure(int bytes)
    {
        if (_length + bytes <= _buffer.Length)
        {
            return;
        }
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    void IBufferWriter<byte>.Advance(int count) => _length += count;

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        Ensure(Math.Max(sizeHint, 256));
        return _buffer.AsMemory(_length);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint)
    {
        Ensure(Math.Max(sizeHint, 256));
        return _buffer.AsSpan(_length);
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
