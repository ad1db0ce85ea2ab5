using System.Diagnostics;
using Ciro.Indexer.Contracts;
using Ciro.Indexer.Extensions;
using Ciro.Indexer.Following;
using Ciro.Storage;

namespace Ciro.Indexer.Cli;

/// <summary>
/// <c>backfill --rpc URL --from N --to M [--contracts FILE]</c>: one bounded run into ConnectionStrings:ciro
/// (migrations applied if needed). Exit 0 when block M is committed, 2 on bad arguments, 1 on failure.
/// Without --contracts every transaction and event of the range is kept.
/// </summary>
public static class BackfillCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args, out var parsed, out var error))
        {
            Console.Error.WriteLine($"backfill: {error}");
            Console.Error.WriteLine("usage: Ciro.Indexer backfill --rpc <url> --from <block> --to <block> [--contracts <file>]");
            return 2;
        }
        // appsettings.json next to the binary (its ABIs decode events) wherever the command is started from.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("ciro")))
        {
            Console.Error.WriteLine("backfill: ConnectionStrings__ciro is not set: the PostgreSQL connection string to write to");
            return 2;
        }
        builder.Configuration["Starknet:RpcUrl"] = parsed.Rpc;
        builder.Configuration["Indexer:StartBlock"] = parsed.From.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // A command-line run prints progress and problems only; appsettings' Information level is for the service.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Npgsql"] = "Warning",
        });
        builder.Services.PostConfigure<IndexerOptions>(o =>
        {
            // --contracts replaces the configured contracts and keeps only what touches them; without it every
            // transaction and event is kept, still decoded with the configured ABIs.
            if (parsed.ContractsFile is not null)
            {
                o.Contracts = [.. ReadContracts(parsed.ContractsFile)];
                o.ContractsFile = null;
            }
            o.AllTransactions = parsed.ContractsFile is null;
        });
        builder.AddIndexerCore();
        using var host = builder.Build();

        try
        {
            await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
            var lease = host.Services.GetRequiredService<WriterLease>();
            await lease.AcquireAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
            var synchronizer = host.Services.GetRequiredService<ChainSynchronizer>();
            var head = await synchronizer.GetTargetAsync(CancellationToken.None);
            if (parsed.To > head)
            {
                Console.Error.WriteLine($"backfill: --to {parsed.To} is beyond the node's head {head}");
                return 2;
            }
            var clock = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            while (true)
            {
                var (cursor, progressed) = await synchronizer.StepAsync(parsed.To, CancellationToken.None);
                if (cursor >= parsed.To || !progressed)
                {
                    Console.WriteLine($"backfill: time: {synchronizer.TimeBreakdown}; GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, process CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s");
                    Console.WriteLine($"backfill: done through block {cursor} in {clock.Elapsed.TotalSeconds:F1} s");
                    return cursor >= parsed.To ? 0 : 1;
                }
                if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(2))
                {
                    lastReport = clock.Elapsed;
                    Console.WriteLine($"backfill: block {cursor} of {parsed.To} ({100.0 * (cursor!.Value - parsed.From + 1) / (parsed.To - parsed.From + 1):F1}%)");
                }
            }
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"backfill: failed: {ex.Message}");
            return 1;
        }
    }

    private static IEnumerable<ContractOptions> ReadContracts(string path) =>
        Extensions.Extensions.ReadContractsFile(path).Select(c =>
        {
            var (contract, baseDir) = c;
            if (contract.Abi is not null && !Path.IsPathRooted(contract.Abi))
            {
                contract.Abi = Path.Combine(baseDir, contract.Abi);
            }
            return contract;
        });

    private sealed record Arguments(string Rpc, ulong From, ulong To, string? ContractsFile);

    private static bool TryParse(string[] args, out Arguments parsed, out string error)
    {
        parsed = null!;
        var values = new Dictionary<string, string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                error = $"unexpected argument '{args[i]}'";
                return false;
            }
            values[args[i][2..]] = args[++i];
        }
        if (!values.TryGetValue("rpc", out var rpc) || !Uri.TryCreate(rpc, UriKind.Absolute, out _))
        {
            error = $"--rpc '{rpc}' must be an absolute URL";
            return false;
        }
        if (!values.TryGetValue("from", out var fromText) || !ulong.TryParse(fromText, out var from))
        {
            error = $"--from '{fromText}' must be a block number";
            return false;
        }
        if (!values.TryGetValue("to", out var toText) || !ulong.TryParse(toText, out var to) || to < from)
        {
            error = $"--to '{toText}' must be a block number not below --from";
            return false;
        }
        var unknown = values.Keys.Except(["rpc", "from", "to", "contracts"]).FirstOrDefault();
        if (unknown is not null)
        {
            error = $"unknown option --{unknown}";
            return false;
        }
        values.TryGetValue("contracts", out var contracts);
        parsed = new Arguments(rpc, from, to, contracts);
        error = "";
        return true;
    }
}
