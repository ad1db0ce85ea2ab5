using System.Diagnostics;
using System.Globalization;
using Ciro.Indexer.Contracts;
using Ciro.Indexer.Extensions;
using Ciro.Indexer.Following;
using Ciro.Indexer.Storage;
using Ciro.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Indexer.Cli;

/// <summary>
/// <c>backfill --rpc URL --from N --to M [--contracts FILE] [--lease-timeout SECONDS]</c>: one bounded run into
/// ConnectionStrings:ciro (migrations applied if needed). Exit 0 when block M is committed, 2 on bad arguments,
/// 1 on failure. Without --contracts every transaction and event of the range is kept.
/// <para>--from wins over a stored cursor: at or below it, everything from --from on is deleted and indexed
/// again (as POST /admin/reindex does); above cursor + 1 the command refuses, as that would leave a gap.</para>
/// </summary>
public static class BackfillCommand
{
    private const string Usage =
        "usage: Ciro.Indexer backfill --rpc <http(s) url> --from <block> --to <block> [--contracts <file>] [--lease-timeout <seconds>]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args, out var parsed, out var error))
        {
            Console.Error.WriteLine($"backfill: {error}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        List<ContractOptions>? contracts = null;
        if (parsed.ContractsFile is not null)
        {
            try
            {
                contracts = [.. ReadContracts(parsed.ContractsFile)];
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"backfill: --contracts: {ex.Message}");
                return 2;
            }
        }
        // appsettings.json next to the binary (its ABIs decode events) wherever the command is started from.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("ciro")))
        {
            Console.Error.WriteLine("backfill: ConnectionStrings__ciro is not set: the PostgreSQL connection string to write to");
            return 2;
        }
        builder.Configuration["Starknet:RpcUrl"] = parsed.Rpc;
        builder.Configuration["Indexer:StartBlock"] = parsed.From.ToString(CultureInfo.InvariantCulture);
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
            if (contracts is not null)
            {
                o.Contracts = contracts;
                o.ContractsFile = null;
            }
            o.AllTransactions = contracts is null;
        });
        builder.AddIndexerCore();
        using var host = builder.Build();

        try
        {
            await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
            if (!await AcquireLeaseAsync(host.Services, parsed.LeaseTimeout))
            {
                return 1;
            }
            var synchronizer = host.Services.GetRequiredService<ChainSynchronizer>();
            var head = await synchronizer.GetTargetAsync(CancellationToken.None);
            if (parsed.To > head)
            {
                Console.Error.WriteLine($"backfill: --to {parsed.To} is beyond the node's head {head}");
                return 2;
            }
            if (!await ApplyFromAsync(host.Services, parsed))
            {
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
            Console.Error.WriteLine($"backfill: failed: {CauseChain(ex)}");
            return 1;
        }
    }

    /// <summary>Takes the writer lease, saying who holds it and for how long this run waits; false (after a
    /// message naming the holder) when it is still held after <paramref name="timeout"/>.</summary>
    private static async Task<bool> AcquireLeaseAsync(IServiceProvider services, TimeSpan timeout)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var holder = await WriterLease.DescribeHolderAsync(dataSource, CancellationToken.None);
        if (holder is not null)
        {
            Console.WriteLine($"backfill: the writer lease is held by another indexer ({holder}); waiting up to {timeout.TotalSeconds:F0} s (--lease-timeout)");
        }
        using var waiting = new CancellationTokenSource(timeout);
        try
        {
            await services.GetRequiredService<WriterLease>().AcquireAsync(TimeSpan.FromSeconds(1), waiting.Token);
            return true;
        }
        catch (OperationCanceledException) when (waiting.IsCancellationRequested)
        {
            holder = await WriterLease.DescribeHolderAsync(dataSource, CancellationToken.None) ?? holder;
            Console.Error.WriteLine($"backfill: failed: the writer lease is still held after {timeout.TotalSeconds:F0} s by {holder ?? "another indexer"}; stop that indexer or raise --lease-timeout");
            return false;
        }
    }

    /// <summary>--from against the stored cursor: below or at it, delete from --from on (it wins); exactly the
    /// next block, continue; beyond that, refuse (false), since blocks in between would be missing.</summary>
    private static async Task<bool> ApplyFromAsync(IServiceProvider services, Arguments parsed)
    {
        var store = services.GetRequiredService<ChainStore>();
        var cursorName = services.GetRequiredService<IOptions<IndexerOptions>>().Value.CursorName;
        var cursor = await store.GetCursorAsync(cursorName, CancellationToken.None);
        if (cursor is null || parsed.From == cursor.Number + 1)
        {
            return true;
        }
        if (parsed.From > cursor.Number + 1)
        {
            Console.Error.WriteLine($"backfill: --from {parsed.From} is beyond the stored cursor (block {cursor.Number}): blocks {cursor.Number + 1}..{parsed.From - 1} would be missing; use --from {cursor.Number + 1} or lower");
            return false;
        }
        await store.RollbackAsync(cursorName, parsed.From == 0 ? null : parsed.From - 1, null, CancellationToken.None);
        Console.WriteLine($"backfill: the cursor was at block {cursor.Number}; --from {parsed.From} wins: deleted blocks {parsed.From}..{cursor.Number} to index them again");
        return true;
    }

    /// <summary>Every message down the inner exceptions, with its type: the outer one alone ("An error occurred
    /// while sending the request") rarely says what went wrong.</summary>
    internal static string CauseChain(Exception ex)
    {
        var parts = new List<string>();
        for (Exception? current = ex; current is not null && parts.Count < 10; current = current.InnerException)
        {
            parts.Add($"{current.GetType().Name}: {current.Message}");
            if (current is AggregateException { InnerExceptions.Count: > 1 } aggregate)
            {
                parts.AddRange(aggregate.InnerExceptions.Select(e => $"{e.GetType().Name}: {e.Message}"));
                break;
            }
        }
        return string.Join(Environment.NewLine + "  caused by ", parts);
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

    private sealed record Arguments(string Rpc, ulong From, ulong To, string? ContractsFile, TimeSpan LeaseTimeout);

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
        if (!values.TryGetValue("rpc", out var rpc) || !Uri.TryCreate(rpc, UriKind.Absolute, out var rpcUri)
            || rpcUri.Scheme is not ("http" or "https"))
        {
            error = $"--rpc '{rpc}' must be an absolute http:// or https:// URL";
            return false;
        }
        if (!values.TryGetValue("from", out var fromText) || !ulong.TryParse(fromText, CultureInfo.InvariantCulture, out var from))
        {
            error = $"--from '{fromText}' must be a block number";
            return false;
        }
        if (!values.TryGetValue("to", out var toText) || !ulong.TryParse(toText, CultureInfo.InvariantCulture, out var to) || to < from)
        {
            error = $"--to '{toText}' must be a block number not below --from";
            return false;
        }
        var leaseTimeout = TimeSpan.FromSeconds(60);
        if (values.TryGetValue("lease-timeout", out var leaseText))
        {
            if (!int.TryParse(leaseText, CultureInfo.InvariantCulture, out var seconds) || seconds is < 0 or > 86_400)
            {
                error = $"--lease-timeout '{leaseText}' must be a number of seconds from 0 to 86400";
                return false;
            }
            leaseTimeout = TimeSpan.FromSeconds(seconds);
        }
        var unknown = values.Keys.Except(["rpc", "from", "to", "contracts", "lease-timeout"]).FirstOrDefault();
        if (unknown is not null)
        {
            error = $"unknown option --{unknown}";
            return false;
        }
        values.TryGetValue("contracts", out var contracts);
        parsed = new Arguments(rpc, from, to, contracts, leaseTimeout);
        error = "";
        return true;
    }
}
