using System.Diagnostics;
using Ciro.Starknet.Rpc;
using Microsoft.AspNetCore.Http;

namespace Ciro.Starknet.Tests;

/// <summary>Retries and error mapping against a real Kestrel server that misbehaves on cue.</summary>
public sealed class RpcFaultTests : IDisposable
{
    private const string BlockNumberOk = """{"jsonrpc":"2.0","id":1,"result":123}""";
    private readonly MetricsRecorder _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private StarknetRpcClient Client(TestRpcServer server, int maxAttempts = 4, TimeSpan? attemptTimeout = null) =>
        new(new HttpClient { BaseAddress = server.Url }, options: new StarknetRpcClientOptions
        {
            MaxAttempts = maxAttempts,
            BaseDelay = TimeSpan.FromMilliseconds(5),
            MaxDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryAfter = TimeSpan.FromSeconds(5),
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
        }, metrics: _metrics.Metrics);

    [Fact]
    public async Task Http_429_is_retried_after_the_Retry_After_delay()
    {
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Status(429, "slow down", retryAfter: "1"),
            TestRpcServer.Json(BlockNumberOk));
        var watch = Stopwatch.StartNew();

        Assert.Equal(123UL, await Client(server).GetBlockNumberAsync());

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}, before Retry-After");
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(1, _metrics.Sum("ciro.rpc.retries", "http_429"));
        Assert.Equal(1, _metrics.Sum("ciro.rpc.errors", "http_429"));
        Assert.Equal(1, _metrics.Sum("ciro.rpc.requests"));
        Assert.Contains(_metrics.Measurements, m => m.Name == "ciro.rpc.duration" && m.Tags["outcome"] == "ok");
    }

    [Fact]
    public async Task Http_5xx_is_retried_until_success()
    {
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Status(500), TestRpcServer.Status(502), TestRpcServer.Json(BlockNumberOk));

        Assert.Equal(123UL, await Client(server).GetBlockNumberAsync());
        Assert.Equal(3, server.RequestCount);
        Assert.Equal(2, _metrics.Sum("ciro.rpc.retries", "http_5xx"));
    }

    [Fact]
    public async Task Persistent_5xx_gives_up_after_max_attempts()
    {
        await using var server = await TestRpcServer.StartAsync(TestRpcServer.Status(503));

        var ex = await Assert.ThrowsAsync<StarknetTransportException>(() => Client(server, maxAttempts: 3).GetBlockNumberAsync());

        Assert.Equal(3, ex.Attempts);
        Assert.Equal("starknet_blockNumber", ex.Method);
        Assert.Equal(3, server.RequestCount);
        Assert.Equal(3, _metrics.Sum("ciro.rpc.errors", "http_5xx"));
        Assert.Equal(2, _metrics.Sum("ciro.rpc.retries"));
    }

    [Fact]
    public async Task Dropped_connection_is_retried()
    {
        await using var server = await TestRpcServer.StartAsync(
            (context, _) =>
            {
                context.Abort();
                return Task.CompletedTask;
            },
            TestRpcServer.Json(BlockNumberOk));

        Assert.Equal(123UL, await Client(server).GetBlockNumberAsync());
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(1, _metrics.Sum("ciro.rpc.retries"));
    }

    [Fact]
    public async Task Connection_dropped_mid_body_is_retried()
    {
        await using var server = await TestRpcServer.StartAsync(
            async (context, _) =>
            {
                context.Response.ContentLength = 500;
                await context.Response.WriteAsync("""{"jsonrpc":"2.0","id":1,"res""");
                await context.Response.Body.FlushAsync();
                context.Abort();
            },
            TestRpcServer.Json(BlockNumberOk));

        Assert.Equal(123UL, await Client(server).GetBlockNumberAsync());
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task Slow_answer_times_out_and_is_retried()
    {
        await using var server = await TestRpcServer.StartAsync(
            async (context, _) => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted),
            TestRpcServer.Json(BlockNumberOk));

        // 1.5 s: long enough that the quick second answer never times out on a busy test machine.
        Assert.Equal(123UL, await Client(server, attemptTimeout: TimeSpan.FromMilliseconds(1500)).GetBlockNumberAsync());
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(1, _metrics.Sum("ciro.rpc.retries", "timeout"));
    }

    [Fact]
    public async Task Caller_cancellation_is_not_retried()
    {
        // Cancel once the server holds the request (a fixed 200 ms could expire before a loaded machine sent it).
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestRpcServer.StartAsync(
            async (context, _) =>
            {
                received.TrySetResult();
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            });
        using var cts = new CancellationTokenSource();

        var call = Client(server).GetBlockNumberAsync(cts.Token);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(0, _metrics.Sum("ciro.rpc.retries"));
    }

    [Theory]
    [InlineData("<html>bad gateway</html>")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"block_hash":"0x1","block_num""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"block_hash":"0x1","block_number":"seven"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":null}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"block_hash":"0xnothex","block_number":1}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"block_hash":"0x1","block_number":1}} trailing""")]
    [InlineData("")]
    public async Task Malformed_answers_fail_naming_the_method_without_retry(string body)
    {
        await using var server = await TestRpcServer.StartAsync(TestRpcServer.Json(body));

        var ex = await Assert.ThrowsAsync<StarknetProtocolException>(() => Client(server).GetBlockHashAndNumberAsync());

        Assert.Equal("starknet_blockHashAndNumber", ex.Method);
        Assert.StartsWith("starknet_blockHashAndNumber:", ex.Message);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(1, _metrics.Sum("ciro.rpc.errors", "protocol"));
    }

    [Fact]
    public async Task Rpc_error_in_http_200_is_typed_and_not_retried()
    {
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Json("""{"jsonrpc":"2.0","id":1,"error":{"code":24,"message":"Block not found"}}"""));

        var ex = await Assert.ThrowsAsync<BlockNotFoundException>(
            () => Client(server).GetBlockWithTxHashesAsync(BlockId.Number(99_999_999)));

        Assert.Equal(StarknetErrorCode.BlockNotFound, ex.ErrorCode);
        Assert.Equal("starknet_getBlockWithTxHashes", ex.Method);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(1, _metrics.Sum("ciro.rpc.errors", "rpc_24"));
        Assert.Equal(0, _metrics.Sum("ciro.rpc.retries"));
    }

    [Fact]
    public async Task Rpc_error_with_http_400_is_still_typed()
    {
        await using var server = await TestRpcServer.StartAsync(
            TestRpcServer.Json("""{"jsonrpc":"2.0","id":1,"error":{"code":33,"message":"The supplied continuation token is invalid or unknown"}}""", 400));

        await Assert.ThrowsAsync<InvalidContinuationTokenException>(
            () => Client(server).GetEventsAsync(new EventFilter(), 10, "bogus"));
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task Http_404_is_a_protocol_error_without_retry()
    {
        await using var server = await TestRpcServer.StartAsync(TestRpcServer.Status(404, "no such path"));

        var ex = await Assert.ThrowsAsync<StarknetProtocolException>(() => Client(server).GetChainIdAsync());
        Assert.Contains("HTTP 404", ex.Message);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public void Backoff_grows_with_jitter_and_clamps_retry_after()
    {
        var client = new StarknetRpcClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1") },
            options: new StarknetRpcClientOptions
            {
                BaseDelay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(1),
                MaxRetryAfter = TimeSpan.FromSeconds(3),
            });
        var delays = Enumerable.Range(0, 200).Select(_ => client.RetryDelay(3, null)).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(400)));
        Assert.True(delays.Distinct().Count() > 50, "delays should be jittered");
        Assert.All(Enumerable.Range(0, 50).Select(_ => client.RetryDelay(20, null)),
            d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(2), client.RetryDelay(1, TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(3), client.RetryDelay(1, TimeSpan.FromMinutes(10)));
    }
}
