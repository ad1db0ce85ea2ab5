using Ciro.LocalInfrastructure;

namespace Ciro.Indexer.Tests.Infrastructure;

/// <summary><c>dotnet Ciro.Indexer.dll backfill ...</c> as a real process: what an operator runs, and what a
/// kill -9 can hit at any instruction.</summary>
public static class BackfillProcess
{
    public static ChildProcess Start(string? connectionString, params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_gcServer"] = "0",
            // Short retry delays keep the unreachable-node case quick; the policy itself is the product's.
            ["Starknet__Client__BaseDelay"] = "00:00:00.050",
            ["Starknet__Client__MaxDelay"] = "00:00:00.200",
        };
        if (connectionString is not null)
        {
            environment["ConnectionStrings__ciro"] = connectionString;
        }
        return new ChildProcess("dotnet", [Paths.IndexerDll, "backfill", .. arguments], environment);
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string? connectionString, params string[] arguments)
    {
        using var process = Start(connectionString, arguments);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(code is not null, $"backfill did not finish: {process.Output}");
        return (code!.Value, process.Output);
    }
}
