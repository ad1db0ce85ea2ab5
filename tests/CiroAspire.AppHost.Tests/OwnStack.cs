using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CiroAspire.AppHost.Tests;

/// <summary>A whole stack for one test (no-container mode, its own data folder), for tests that stop, restart or
/// break part of it and so cannot share <see cref="StackFixture"/>.</summary>
internal static class OwnStack
{
    public static async Task<DistributedApplication> StartAsync(string dataDirectory, params string[] settings)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CiroAspire_AppHost>(
        [
            "--Ciro:Infrastructure=local",
            "--Ciro:WebPort=0",
            $"--Ciro:DataDirectory={dataDirectory}",
            "--Simulator:BlockIntervalMs=1000",
            .. settings,
        ]);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        var app = await builder.BuildAsync();
        // Generous: a dozen processes start on two cores, which other work may be using too.
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await app.StartAsync(cts.Token);
        await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync("web", cts.Token);
        return app;
    }

    /// <summary>A client of the chain simulator's admin API with the key the AppHost generated for it.</summary>
    public static async Task<HttpClient> ChainAdminClientAsync(DistributedApplication app)
    {
        var key = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
            .Single(p => p.Name == "simulator-admin-key");
        var http = app.CreateHttpClient("chain");
        http.DefaultRequestHeaders.Add("X-Admin-Key", await key.GetValueAsync(default));
        return http;
    }

    /// <summary>The web tier's latest block once <paramref name="accept"/> holds for its number.</summary>
    public static Task<JsonElement> WaitForLatestBlockAsync(HttpClient web, Func<long, bool> accept, TimeSpan timeout) =>
        WaitForAsync(async () =>
        {
            using var response = await web.GetAsync("/api/blocks/latest");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
        }, b => b.ValueKind == JsonValueKind.Object && accept(b.GetProperty("blockNumber").GetInt64()), timeout);

    public static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> accept, TimeSpan timeout)
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

    public static void DeleteDataDirectory(string dataDirectory)
    {
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
