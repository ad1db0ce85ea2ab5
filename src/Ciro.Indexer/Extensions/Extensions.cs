using System.Text.Json;
using Ciro.Auth;
using Ciro.Indexer.Contracts;
using Ciro.Indexer.Following;
using Ciro.Indexer.Storage;
using Ciro.Starknet;
using Ciro.Starknet.Rpc;
using Ciro.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ciro.Indexer.Extensions;

public static class Extensions
{
    /// <summary>Everything both modes share: storage, the RPC client, the catalog, the synchronizer.</summary>
    public static void AddIndexerCore(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("ciro");
        builder.Services.AddOptions<IndexerOptions>()
            .BindConfiguration(IndexerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var rpcUrl = builder.Configuration["Starknet:RpcUrl"];
        if (string.IsNullOrWhiteSpace(rpcUrl) || !Uri.TryCreate(rpcUrl, UriKind.Absolute, out var rpcUri))
        {
            throw new InvalidOperationException($"Starknet:RpcUrl = '{rpcUrl}' is not an absolute URL of a Starknet JSON-RPC endpoint.");
        }
        // The client retries transient RPC faults itself (and counts them); the service defaults' standard
        // resilience handler would retry them again and cut long batch fetches at its 30 s total timeout.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt out.
        builder.Services.AddStarknetRpcClient(_ => rpcUri, o => builder.Configuration.GetSection(StarknetRpcClientOptions.SectionName).Bind(o))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        builder.AddSchemaMigrator();
        builder.Services.AddSingleton(sp => CreateCatalog(sp.GetRequiredService<IOptions<IndexerOptions>>().Value));
        builder.Services.AddSingleton<IndexerRowFilter>();
        builder.Services.AddSingleton<ClassTracker>();
        builder.Services.AddSingleton<BlockBatchWriter>();
        builder.Services.AddSingleton<ChainStore>();
        builder.Services.AddSingleton<IndexerMetrics>();
        builder.Services.AddSingleton<WriterLease>();
        builder.Services.AddSingleton<ChainIdentityGuard>();
        builder.Services.AddSingleton<UndecodableBlockStore>();
        builder.Services.AddSingleton<UndecodableBlocks>();
        builder.Services.AddTransient<ChainSynchronizer>();
    }

    /// <summary>Migrations (and the service roles' grants) as the schema owner (<see cref="DatabaseRoles.OwnerConnectionName"/>)
    /// when given; everything else as the indexer's role (<c>ConnectionStrings:ciro</c>).</summary>
    private static void AddSchemaMigrator(this IHostApplicationBuilder builder)
    {
        var owner = builder.Configuration.GetConnectionString(DatabaseRoles.OwnerConnectionName);
        if (string.IsNullOrWhiteSpace(owner))
        {
            builder.Services.AddSingleton<SchemaMigrator>();
            return;
        }
        // A data source of its own, opened only while migrating: the owner's pool holds no idle connection after.
        builder.Services.AddSingleton(sp => new SchemaMigrator(
            NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(owner) { MaxPoolSize = 1, ConnectionIdleLifetime = 10 }.ConnectionString),
            sp.GetRequiredService<ILogger<SchemaMigrator>>()));
    }

    /// <summary>The long-running service: migrate, then follow the chain; health and admin endpoints.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddIndexerCore();
        builder.AddCiroAuth();
        builder.Services.AddProblemDetails();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IndexerReadiness>();
        builder.Services.TryAddSingleton<BackgroundLoopHealth>(); // ServiceDefaults registers it (and its check) in the service
        builder.Services.AddSingleton<ReindexRequests>();
        builder.Services.AddSingleton<HeadSignal>();
        builder.Services.AddHealthChecks().AddCheck<IndexerReadiness>("indexer");
        builder.Services.AddHostedService<SchemaMigrationService>();
        builder.Services.AddHostedService<ChainFollower>();
        builder.Services.AddHostedService<HeadSubscriber>();
    }

    private static ContractCatalog CreateCatalog(IndexerOptions options)
    {
        var contracts = options.Contracts.Select(c => (c, AppContext.BaseDirectory)).ToList();
        if (!string.IsNullOrWhiteSpace(options.ContractsFile))
        {
            contracts.AddRange(ReadContractsFile(options.ContractsFile));
        }
        return new ContractCatalog(contracts);
    }

    /// <summary>A JSON file <c>{"Contracts": [{"Name", "Addresses", "Abi", "StartBlock"}]}</c>; ABI paths are
    /// relative to the file.</summary>
    public static IEnumerable<(ContractOptions, string)> ReadContractsFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Contracts file '{full}' not found.", full);
        }
        ContractsFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ContractsFile>(File.ReadAllText(full), new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Contracts file '{full}' is not valid JSON at {ex.Path}: {ex.Message}", ex);
        }
        if (file is null)
        {
            throw new InvalidDataException($"Contracts file '{full}' is empty.");
        }
        // JSON null overrides the empty defaults: name the file and the field rather than fail later on a null.
        if (file.Contracts is null)
        {
            throw new InvalidDataException($"Contracts file '{full}': Contracts is null; expected a list of contracts.");
        }
        for (var i = 0; i < file.Contracts.Count; i++)
        {
            var contract = file.Contracts[i] ?? throw new InvalidDataException($"Contracts file '{full}': Contracts[{i}] is null.");
            if (contract.Addresses is null)
            {
                throw new InvalidDataException($"Contracts file '{full}': Contracts[{i}].Addresses is null; expected a list of addresses.");
            }
            foreach (var address in contract.Addresses)
            {
                if (address is null || !Felt.TryParse(address, out _))
                {
                    throw new InvalidDataException($"Contracts file '{full}': Contracts[{i}].Addresses has '{address ?? "null"}', which is not a felt.");
                }
            }
            contract.Name ??= "";
        }
        return file.Contracts.Select(c => (c, Path.GetDirectoryName(full)!));
    }

    private sealed class ContractsFile
    {
        public List<ContractOptions> Contracts { get; set; } = [];
    }
}
