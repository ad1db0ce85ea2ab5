using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// The performance monitor's events from the chain to the screen: the simulator's <c>monitor</c> scenario sets the
/// sample rate to 1-in-16 (SampleRateChanged), the instrumented contracts then emit CallSampled/JobSampled carrying
/// rate 16, the stack indexes them, and the dashboard's on-chain view (Debian's Chromium, ClientApp/e2e/onchain.e2e.mjs)
/// shows, for a closed range after the switch, exactly as many samples as the simulator's ground truth emitted
/// (<c>/admin/blocks/{n}</c>) and an estimate of 16 calls per sample.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class OnchainViewTests(StackFixture stack, ITestOutputHelper output)
{
    private const int Rate = 16;
    private const int Blocks = 40;

    [Fact]
    public async Task A_monitor_event_emitted_by_the_chain_shows_on_the_onchain_view_with_the_ground_truth_numbers()
    {
        using var chain = await OwnStack.ChainAdminClientAsync(stack.App);
        using var switched = await chain.PostAsJsonAsync("/admin/scenario", new { name = "monitor", parameters = new { rate = Rate } });
        Assert.True(switched.IsSuccessStatusCode, $"monitor scenario answered {(int)switched.StatusCode}: {await switched.Content.ReadAsStringAsync()}");
        var since = (await switched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("chain").GetProperty("sinceBlock").GetInt64();
        try
        {
            // A closed range that starts two blocks after the switch (the admin's set_sample_rate is in the first).
            var first = since + 2;
            var last = first + Blocks;
            using var web = await stack.WebAsAdminAsync();
            await OwnStack.WaitForLatestBlockAsync(web.Http, n => n >= last + 3, TimeSpan.FromMinutes(3));
            var from = await TimestampAsync(chain, first);
            var to = await TimestampAsync(chain, last);
            long samples = 0;
            for (var n = since - 3; n <= last + 3; n++)
            {
                var block = await chain.GetFromJsonAsync<JsonElement>($"/admin/blocks/{n}");
                var at = block.GetProperty("timestamp").GetInt64();
                if (at >= from && at < to)
                {
                    var byName = block.GetProperty("eventsByName");
                    samples += Count(byName, "CallSampled") + Count(byName, "JobSampled");
                }
            }
            output.WriteLine($"blocks {first}..{last}: {samples} sampled events at 1/{Rate}");
            Assert.True(samples >= 3, $"only {samples} sampled events in {Blocks} blocks: too few to check the view");

            var screen = await BrowserScript.RunForJsonAsync(stack.App, stack.WebAdminPassword, output, "e2e/onchain.e2e.mjs",
                "--from", DateTimeOffset.FromUnixTimeSeconds(from).ToString("O", CultureInfo.InvariantCulture),
                "--to", DateTimeOffset.FromUnixTimeSeconds(to).ToString("O", CultureInfo.InvariantCulture),
                "--screenshots", BrowserScript.Screenshots, "--timeout", "120");
            output.WriteLine(screen.GetRawText());
            Assert.Equal(samples.ToString(CultureInfo.InvariantCulture), screen.GetProperty("totalSamples").GetString());
            Assert.Equal($"1/{Rate}", screen.GetProperty("totalRate").GetString());
            Assert.Equal((samples * Rate).ToString("N0", CultureInfo.InvariantCulture), screen.GetProperty("totalEstimated").GetString());
            foreach (var row in screen.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("samples").GetString() != "0"))
            {
                Assert.Equal($"1/{Rate}", row.GetProperty("rate").GetString());
            }
            // At ±5 %, each function's suggested rate is 1 + calls × 0.05² / 1.96² (floored) of the calls it shows, and
            // the summary's rate is the rarest function's.
            var target = screen.GetProperty("target");
            var limits = new List<long>();
            foreach (var row in target.GetProperty("rows").EnumerateArray())
            {
                var calls = long.Parse(row.GetProperty("actual").GetString()!, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                var expected = calls == 0 ? (long?)null : (long)Math.Floor(1 + calls * 0.0025 / (1.959963984540054 * 1.959963984540054));
                Assert.Equal(expected is null ? "—" : $"1/{expected}", row.GetProperty("rateForTarget").GetString());
                limits.AddRange(expected is null ? [] : [expected.Value]);
            }
            Assert.Contains("target=0.05", target.GetProperty("url").GetString());
            Assert.Equal(limits.Count == 0 ? "—" : $"1/{limits.Min()}", target.GetProperty("total").GetString());
        }
        finally
        {
            // Back to the shared stack's steady chain (the rate stays 1-in-16, which no other test reads).
            using var steady = await chain.PostAsJsonAsync("/admin/scenario", new { name = "steady" });
        }
    }

    private static long Count(JsonElement byName, string name) => byName.TryGetProperty(name, out var count) ? count.GetInt64() : 0;

    private static async Task<long> TimestampAsync(HttpClient chain, long number) =>
        (await chain.GetFromJsonAsync<JsonElement>($"/admin/blocks/{number}")).GetProperty("timestamp").GetInt64();
}
