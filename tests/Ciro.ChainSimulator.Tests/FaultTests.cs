using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ciro.ChainSimulator.Tests.Infrastructure;

namespace Ciro.ChainSimulator.Tests;

/// <summary>Each RPC fault fires on real HTTP, for exactly the requests it was asked for, and is counted.</summary>
public sealed class FaultTests
{
    private static readonly object BlockNumber = new { jsonrpc = "2.0", id = 1, method = "starknet_blockNumber", @params = Array.Empty<object>() };

    private static Task SetAsync(SimulatorFactory sim, object parameters) =>
        sim.AdminAsync("/admin/scenario", new { name = "rpc-faults", parameters });

    private static async Task AssertHealthyAsync(SimulatorFactory sim)
    {
        var response = await sim.Http.PostAsJsonAsync("/rpc", BlockNumber);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.TryGetProperty("result", out _));
    }

    [Fact]
    public async Task Each_fault_kind_hits_the_next_request_only()
    {
        await using var sim = new SimulatorFactory(seed: 1, pregenerate: 3);

        await SetAsync(sim, new { kind = "429", count = 1, retryAfterSeconds = 7 });
        var limited = await sim.Http.PostAsJsonAsync("/rpc", BlockNumber);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), limited.Headers.RetryAfter?.Delta);
        await AssertHealthyAsync(sim);

        await SetAsync(sim, new { kind = "500", count = 2 });
        Assert.Equal(HttpStatusCode.InternalServerError, (await sim.Http.PostAsJsonAsync("/", BlockNumber)).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await sim.Http.PostAsJsonAsync("/rpc", BlockNumber)).StatusCode);
        await AssertHealthyAsync(sim);

        await SetAsync(sim, new { kind = "rpc-error", count = 1, code = -32603 });
        var rpcError = await sim.Http.PostAsJsonAsync("/rpc", BlockNumber);
        Assert.Equal(HttpStatusCode.OK, rpcError.StatusCode);
        using (var doc = JsonDocument.Parse(await rpcError.Content.ReadAsStringAsync()))
        {
            Assert.Equal(-32603, doc.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        }
        await AssertHealthyAsync(sim);

        await SetAsync(sim, new { kind = "malformed", count = 1 });
        var malformed = await sim.Http.PostAsJsonAsync("/rpc", BlockNumber);
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        var text = await malformed.Content.ReadAsStringAsync();
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
        await AssertHealthyAsync(sim);

        await SetAsync(sim, new { kind = "truncated", count = 1 });
        var request = new { jsonrpc = "2.0", id = 1, method = "starknet_getBlockWithReceipts", @params = new[] { new { block_number = 2 } } };
        var truncated = await (await sim.Http.PostAsJsonAsync("/rpc", request)).Content.ReadAsStringAsync();
        var full = await (await sim.Http.PostAsJsonAsync("/rpc", request)).Content.ReadAsStringAsync();
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(truncated));
        Assert.StartsWith(truncated, full);
        Assert.True(truncated.Length < full.Length);

        await SetAsync(sim, new { kind = "drop", count = 1 });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sim.Http.PostAsJsonAsync("/rpc", BlockNumber));
        await AssertHealthyAsync(sim);

        await SetAsync(sim, new { kind = "latency", count = 1, latencyMs = 400 });
        var clock = Stopwatch.StartNew();
        await AssertHealthyAsync(sim);
        Assert.True(clock.ElapsedMilliseconds >= 380, $"latency fault took only {clock.ElapsedMilliseconds} ms");

        var injected = (await sim.AdminAsync("/admin/state")).GetProperty("scenario").GetProperty("faults").GetProperty("injected");
        Assert.Equal(1, injected.GetProperty("429").GetInt64());
        Assert.Equal(2, injected.GetProperty("500").GetInt64());
        foreach (var kind in new[] { "rpc-error", "malformed", "truncated", "drop", "latency" })
        {
            Assert.Equal(1, injected.GetProperty(kind).GetInt64());
        }
        Assert.Equal("none", (await sim.AdminAsync("/admin/scenario")).GetProperty("faults").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_probability_fault_hits_about_that_share_of_requests_until_steady()
    {
        await using var sim = new SimulatorFactory(seed: 1, pregenerate: 1);
        await SetAsync(sim, new { kind = "500", probability = 0.3 });
        var failures = 0;
        for (var i = 0; i < 200; i++)
        {
            if ((await sim.Http.PostAsJsonAsync("/rpc", BlockNumber)).StatusCode == HttpStatusCode.InternalServerError)
            {
                failures++;
            }
        }
        Assert.InRange(failures, 35, 85);
        await sim.AdminAsync("/admin/scenario", new { name = "steady" });
        for (var i = 0; i < 20; i++)
        {
            await AssertHealthyAsync(sim);
        }
    }

    [Theory]
    [InlineData("""{"name":"rpc-faults","parameters":{"kind":"teapot"}}""", "parameters.kind", "teapot")]
    [InlineData("""{"name":"rpc-faults","parameters":{"kind":"500","probability":1.5}}""", "parameters.probability", "1.5")]
    [InlineData("""{"name":"earthquake"}""", "name", "earthquake")]
    [InlineData("""{"name":"gas-spike","parameters":{"function":"mint"}}""", "parameters.function", "mint")]
    [InlineData("""{"name":"slow-worker","parameters":{"worker":99}}""", "parameters.worker", "99")]
    public async Task Bad_admin_input_is_a_problem_naming_field_and_value(string body, string field, string value)
    {
        await using var sim = new SimulatorFactory(seed: 1, pregenerate: 1);
        var response = await sim.Http.PostAsync("/admin/scenario", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var message = doc.RootElement.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.Contains(value, message);
    }
}
