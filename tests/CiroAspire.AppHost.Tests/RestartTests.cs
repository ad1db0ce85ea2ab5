using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// The second F5: a stack started again on the same data folder goes live again (the simulator's chain persists,
/// caught up to the clock), past the first run's head, with the first run's blocks kept.
/// Each test runs its own stacks (in the stack collection: one stack starts at a time on the shared cores).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class RestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"ciro-restart-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_stack_started_again_on_the_same_data_goes_live_past_the_first_runs_head()
    {
        long firstHead;
        string firstHash;
        await using (var first = await StartStackAsync())
        {
            using var web = first.CreateHttpClient("web");
            var latest = await WaitForLatestBlockAsync(web, n => n >= 5, Minute);
            (firstHead, firstHash) = (latest.GetProperty("blockNumber").GetInt64(), latest.GetProperty("blockHash").GetString()!);
            output.WriteLine($"first run: latest block {firstHead} {firstHash}");
        }

        await using var second = await StartStackAsync();
        using (var web = second.CreateHttpClient("web"))
        {
            var advanced = await WaitForLatestBlockAsync(web, n => n > firstHead, Minute);
            output.WriteLine($"second run: latest block {advanced.GetProperty("blockNumber").GetInt64()}");
            // The same chain: the first run's head is still there, same hash (nothing was rolled back or refused).
            var kept = await web.GetFromJsonAsync<JsonElement>($"/api/blocks/{firstHead}/summary");
            Assert.Equal(firstHash, kept.GetProperty("blockHash").GetString());
            Assert.Equal("indexing", (await web.GetFromJsonAsync<JsonElement>("/api/pipeline/status")).GetProperty("indexerState").GetString());
        }
    }

    private async Task<DistributedApplication> StartStackAsync(params string[] settings)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CiroAspire_AppHost>(
        [
            "--Ciro:Infrastructure=local",
            "--Ciro:WebPort=0",
            $"--Ciro:DataDirectory={_dataDirectory}",
            "--Simulator:BlockIntervalMs=1000",
            .. settings,
        ]);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        var app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await app.StartAsync(cts.Token);
        await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync("web", cts.Token);
        return app;
    }

    private static Task<JsonElement> WaitForLatestBlockAsync(HttpClient web, Func<long, bool> accept, TimeSpan timeout) =>
        WaitForAsync(async () =>
        {
            using var response = await web.GetAsync("/api/blocks/latest");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
        }, b => b.ValueKind == JsonValueKind.Object && accept(b.GetProperty("blockNumber").GetInt64()), timeout);

    private static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> accept, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await read();
                if (accept(last))
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"not reached within {timeout}; last answer: {(last.ValueKind == JsonValueKind.Undefined ? "none" : last.ToString())}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
