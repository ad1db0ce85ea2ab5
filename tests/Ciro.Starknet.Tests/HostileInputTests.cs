using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Ciro.Starknet.Abi;
using Ciro.Starknet.Calldata;
using Ciro.Starknet.Rpc;
using Ciro.Starknet.Rpc.Json;
using Ciro.Starknet.Rpc.Subscriptions;
using CsCheck;
using Microsoft.AspNetCore.Http;

namespace Ciro.Starknet.Tests;

/// <summary>Runs alone: its memory bounds are process-wide allocation deltas, which parallel tests would blur.</summary>
[CollectionDefinition(nameof(HostileInputTests), DisableParallelization = true)]
public sealed class HostileInputCollection;

/// <summary>Data a broken or hostile node can send: every case ends in a documented error (or a documented
/// replacement) with bounded memory, never an unbounded allocation, a stack overflow or an unstorable string.</summary>
[Collection(nameof(HostileInputTests))]
public sealed class HostileInputTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Cairo0_multicall_whose_offset_plus_length_overflows_is_refused_without_allocating()
    {
        // Two calls: the second's offset (1) + length (int.MaxValue) wraps an int negative, which passed the
        // bounds check and asked for 2^31 felts.
        Felt[] calldata = [2, 0xa, 0x1, 0, 1, 0xb, 0x2, 1, (ulong)int.MaxValue, 2, 0x10, 0x11];
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.False(MulticallDecoder.TryDecode(calldata, out var calls, out _, MulticallLayout.Cairo0));

        Assert.Empty(calls);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < MiB);
    }

    [Fact]
    public void ByteArray_claiming_more_words_than_felts_is_a_FormatException_before_allocating()
    {
        Felt[] felts = [Felt.Parse("0x1000000000000000"), 1, 2, 3];
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<FormatException>(() => CairoByteArray.Decode(felts));

        Assert.Contains("0x1000000000000000", ex.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < MiB);
    }

    [Fact]
    public void NUL_and_invalid_UTF8_in_a_ByteArray_decode_to_the_replacement_character()
    {
        var felts = CairoByteArray.Encode([(byte)'a', 0, (byte)'b', 0xff, (byte)'c']);

        Assert.Equal("a\uFFFDb\uFFFDc", CairoByteArray.Decode(felts));
        // The same rule in the event JSON stored as jsonb: no \u0000 escape, which PostgreSQL rejects.
        Assert.Equal("\"a\\uFFFDb\\uFFFDc\"", CairoJson.ToJson(CairoDecoder.Decode(new ByteArrayType("ByteArray"), felts)));
    }

    [Fact]
    public void ChainText_replaces_what_PostgreSQL_text_cannot_hold()
    {
        // Built in code: xUnit's test-case serialisation would itself mangle lone surrogates in InlineData.
        (string Input, string Stored)[] cases =
        [
            ("plain", "plain"),
            ("a\0b", "a\uFFFDb"),
            ("lone " + '\uD800' + " high", "lone \uFFFD high"),
            ("lone " + '\uDC00' + " low", "lone \uFFFD low"),
            ("pair \uD83D\uDE00 kept", "pair \uD83D\uDE00 kept"),
            ("ends high " + '\uD83D', "ends high \uFFFD"),
        ];
        foreach (var (input, stored) in cases)
        {
            Assert.Equal(stored, ChainText.Clean(input));
            Assert.True(ChainText.IsStorable(stored));
            Assert.Equal(input == stored, ChainText.IsStorable(input));
        }
    }

    [Fact]
    public void Type_names_nested_10000_deep_are_refused_with_an_AbiException()
    {
        var deep = string.Concat(Enumerable.Repeat("core::array::Array::<", 10_000)) + "core::felt252" + new string('>', 10_000);

        var ex = Assert.Throws<AbiException>(() => new CairoTypeResolver().Resolve(deep));

        Assert.Contains($"longer than {CairoTypeResolver.MaxNameLength}", ex.Message);
        Assert.True(ex.Message.Length < 400, "the message quotes a prefix of the name, not all 250,000 characters");
    }

    [Fact]
    public void Structs_nested_10000_deep_are_a_warning_naming_the_limit_and_other_events_still_decode()
    {
        var entries = new List<object>();
        for (var i = 0; i < 10_000; i++)
        {
            entries.Add(new { type = "struct", name = $"s::S{i}", members = new[] { new { name = "inner", type = i == 9_999 ? "core::felt252" : $"s::S{i + 1}" } } });
        }
        entries.Add(new { type = "event", name = "s::Deep", kind = "struct", members = new[] { new { name = "value", type = "s::S0", kind = "data" } } });
        entries.Add(new { type = "event", name = "s::Plain", kind = "struct", members = new[] { new { name = "value", type = "core::felt252", kind = "data" } } });
        entries.Add(new
        {
            type = "event", name = "s::Event", kind = "enum",
            variants = new[] { new { name = "Deep", type = "s::Deep", kind = "nested" }, new { name = "Plain", type = "s::Plain", kind = "nested" } },
        });

        var abi = ContractAbi.Parse(JsonSerializer.Serialize(entries), "deep");

        Assert.Contains(abi.Warnings, w => w.Contains("s::Deep") && w.Contains($"deeper than {CairoTypeResolver.MaxDepth} levels"));
        var decoded = new EventDecoder(abi).Decode(new Event { FromAddress = 1, Keys = [Selector.FromName("Plain")], Data = [7] });
        Assert.True(decoded.IsDecoded);
        Assert.Equal((Felt)7UL, decoded.Fields["value"]);
    }

    [Fact]
    public void An_ABI_that_is_not_JSON_or_has_the_wrong_kinds_is_an_AbiException()
    {
        Assert.Contains("not valid JSON", Assert.Throws<AbiException>(() => ContractAbi.Parse("[{", "broken.json")).Message);
        Assert.Contains("wrong JSON kind", Assert.Throws<AbiException>(() => ContractAbi.Parse("""[{"type":"interface","items":{"a":1}}]""")).Message);
    }

    [Fact]
    public async Task A_2GB_Content_Length_is_refused_before_reading_counted_and_not_retried()
    {
        await using var server = await TestRpcServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 2_000_000_000;
            await context.Response.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":");
            await context.Response.Body.FlushAsync();
            // Hold the response open: the client must decide from the header alone.
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { });
        });
        using var metrics = new MetricsRecorder();
        var client = new StarknetRpcClient(new HttpClient { BaseAddress = server.Url }, metrics: metrics.Metrics);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = await Assert.ThrowsAsync<StarknetProtocolException>(() => client.GetBlockNumberAsync());

        Assert.Contains("Content-Length 2000000000", ex.Message);
        Assert.Contains("Starknet:Client:MaxResponseBytes", ex.Message);
        Assert.Equal("too_large", ex.Kind);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(1, metrics.Sum("ciro.rpc.errors", "too_large"));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 32 * MiB, $"allocated {allocated} bytes for a refused 2 GB response");
    }

    [Fact]
    public async Task A_300MB_streamed_body_is_cut_at_the_cap_with_bounded_memory()
    {
        const long bodyBytes = 300 * MiB;
        long served = 0;
        await using var server = await TestRpcServer.StartAsync(async (context, _) =>
        {
            // No Content-Length (chunked), so only the read loop's cap can stop it. Written from one 64 KiB
            // buffer: the test never holds the body.
            context.Response.ContentType = "application/json";
            var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
            try
            {
                while (served < bodyBytes && !context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    served += chunk.Length;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client hung up at its cap.
            }
        });
        using var metrics = new MetricsRecorder();
        var options = new StarknetRpcClientOptions { MaxResponseBytes = (int)(8 * MiB) };
        var client = new StarknetRpcClient(new HttpClient { BaseAddress = server.Url }, options: options, metrics: metrics.Metrics);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = await Assert.ThrowsAsync<StarknetProtocolException>(() => client.GetBlockNumberAsync());

        Assert.Contains($"more than {8 * MiB} bytes", ex.Message);
        Assert.Equal(1, metrics.Sum("ciro.rpc.errors", "too_large"));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 64 * MiB, $"allocated {allocated} bytes for a body cut at 8 MiB");
    }

    [Fact]
    public async Task A_websocket_message_over_the_cap_fails_the_socket_with_bounded_memory()
    {
        await using var server = await TestRpcServer.StartAsync(TestRpcServer.Json("{}"));
        server.WebSocketHandler = async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var frame = new byte[64 * 1024];
            try
            {
                // One message that never ends: 200 MiB of continuation frames unless the client gives up.
                for (var i = 0; i < 3200; i++)
                {
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: false, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
            {
                // The client closed at its cap.
            }
        };
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await using var client = await StarknetWebSocketClient.ConnectAsync(
            new Uri($"ws://{server.Url.Authority}/ws"), maxMessageBytes: (int)MiB);

        var ex = await Assert.ThrowsAsync<StarknetTransportException>(async () => await client.SubscribeNewHeadsAsync().FirstAsync());

        var cause = Assert.IsType<StarknetProtocolException>(ex.InnerException);
        Assert.Contains("Starknet:Client:MaxWebSocketMessageBytes", cause.Message);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 32 * MiB, $"allocated {allocated} bytes for a message cut at 1 MiB");
    }

    // Fuzzing: bounded iteration counts, so the test command's time stays bounded; CsCheck prints a seed to
    // replay any failure.

    private static readonly Gen<Felt> GenFelt = Gen.OneOf(
        Gen.UInt.Select(u => (Felt)(ulong)u),
        Gen.Const((Felt)(ulong)int.MaxValue),
        Gen.Const(Felt.Parse("0x800000000000011000000000000000000000000000000000000000000000000")),
        Gen.ULong.Select(u => (Felt)u));

    [Fact]
    public void Fuzz_multicall_decoder_never_throws() => GenFelt.Array[0, 40].Sample(felts =>
    {
        if (MulticallDecoder.TryDecode(felts, out var calls, out _))
        {
            Assert.True(calls.Sum(c => c.Calldata.Count) <= felts.Length);
        }
    }, iter: 20_000);

    [Fact]
    public void Fuzz_ByteArray_decoder_throws_only_FormatException() => GenFelt.Array[0, 12].Sample(felts =>
    {
        try
        {
            Assert.True(ChainText.IsStorable(CairoByteArray.Decode(felts)));
        }
        catch (FormatException)
        {
        }
    }, iter: 20_000);

    private static readonly string[] AbiPieces =
    [
        "[", "]", "{", "}", ",", ":", "\"type\"", "\"struct\"", "\"enum\"", "\"event\"", "\"function\"", "\"interface\"",
        "\"name\"", "\"members\"", "\"variants\"", "\"kind\"", "\"nested\"", "\"flat\"", "\"key\"", "\"data\"", "\"inputs\"",
        "\"items\"", "\"outputs\"", "\"abi\"", "\"core::felt252\"", "\"core::array::Array::<\"", "\"x_len\"", "\"felt*\"",
        "\"s::S\"", "\"(core::felt252, s::S)\"", "1", "null", "true", "\"\"",
    ];

    [Fact]
    public void Fuzz_ABI_parser_throws_only_AbiException() => Gen.Int[0, AbiPieces.Length - 1].Array[0, 60].Sample(indexes =>
    {
        var json = string.Concat(indexes.Select(i => AbiPieces[i]));
        try
        {
            ContractAbi.Parse(json);
        }
        catch (AbiException)
        {
        }
    }, iter: 20_000);

    private static readonly byte[] RecordedBlock = TestData.ReadBytes("starknet", "rpc", "sepolia", "getBlockWithReceipts_3100000.json");

    [Fact]
    public void Fuzz_RPC_parser_throws_only_StarknetClientException() => Gen.Select(Gen.Int[0, RecordedBlock.Length - 1], Gen.Int[0, 3], Gen.Byte)
        .Array[1, 8].Sample(mutations =>
        {
            // A recorded block with a few bytes cut, overwritten or duplicated: mostly almost-valid JSON, which
            // reaches deeper into the parser than random bytes do.
            var body = new List<byte>(RecordedBlock);
            foreach (var (at, kind, value) in mutations)
            {
                var index = Math.Min(at, body.Count - 1);
                switch (kind)
                {
                    case 0: body[index] = value; break;
                    case 1: body.RemoveRange(index, Math.Min(50, body.Count - index - 1)); break;
                    case 2: body.Insert(index, value); break;
                    default: body.InsertRange(index, body.GetRange(index, Math.Min(40, body.Count - index))); break;
                }
            }
            try
            {
                JsonRpcEnvelope.ParseSingle(body.ToArray(), StarknetJsonContext.Default.BlockWithReceipts, "starknet_getBlockWithReceipts");
            }
            catch (StarknetClientException)
            {
            }
        }, iter: 3_000);
}
