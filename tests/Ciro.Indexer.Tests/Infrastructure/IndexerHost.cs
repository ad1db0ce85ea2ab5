using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ciro.Indexer.Extensions;
using Ciro.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ciro.Indexer.Tests.Infrastructure;

/// <summary>
/// The indexer service (migrations + follower, exactly the hosted services of web mode, without Kestrel) running
/// in the test process, with every measurement of its own meters (Ciro.Indexer and Ciro.Starknet, created through
/// its IMeterFactory, so other hosts in the process do not mix in) summed by instrument and tag.
/// </summary>
public sealed class IndexerHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _sums = new();
    private readonly ConcurrentDictionary<string, double> _last = new();
    private readonly ConcurrentQueue<string> _log;

    private IndexerHost(IHost host, ConcurrentQueue<string> log)
    {
        _host = host;
        _log = log;
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public IServiceProvider Services => _host.Services;

    public string Log => string.Join('\n', _log);

    public static async Task<IndexerHost> StartAsync(string connectionString, string rpcUrl, Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // As deployed: migrations as the owner, everything else as the indexer's role.
            ["ConnectionStrings:ciro-owner"] = connectionString,
            ["ConnectionStrings:ciro"] = DatabaseRoles.ConnectionStringAs(connectionString, DatabaseRoles.Indexer),
            ["Starknet:RpcUrl"] = rpcUrl,
            ["Starknet:Client:BaseDelay"] = "00:00:00.020",
            ["Starknet:Client:MaxDelay"] = "00:00:00.200",
            ["Starknet:Client:MaxRetryAfter"] = "00:00:01",
            ["Starknet:Client:AttemptTimeout"] = "00:00:05",
            ["Indexer:PollInterval"] = "00:00:00.050",
            ["Indexer:RetryBackoff"] = "00:00:00.100",
            ["Indexer:MaxRetryBackoff"] = "00:00:01",
            ["Indexer:LeaseRetryInterval"] = "00:00:00.200",
            ["Indexer:Contracts:0:Name"] = "JobManager",
            ["Indexer:Contracts:0:Addresses:0"] = "0x00bf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd",
            ["Indexer:Contracts:0:Abi"] = "abi/JobManager.abi.json",
            ["Indexer:Contracts:1:Name"] = "CDCPool",
            ["Indexer:Contracts:1:Addresses:0"] = "0x05f73c551dbfda890090c8ee89858992dfeea9794a63ad83e6b1706e9836aeba",
            ["Indexer:Contracts:1:Abi"] = "abi/CDCPool.abi.json",
            ["Indexer:Contracts:2:Name"] = "MetricsRegistry",
            ["Indexer:Contracts:2:Addresses:0"] = "0x0318e2cc5c1d4d0f6a1c4a7d1e5b9f3c2a8d6e4b0c7f1a3e5d9b2c6f8a0e4d71",
            ["Indexer:Contracts:2:Abi"] = "abi/MetricsRegistry.abi.json",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        var log = new ConcurrentQueue<string>();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new QueueLoggerProvider(log));
        builder.AddApplicationServices();
        var host = new IndexerHost(builder.Build(), log);
        await host._host.StartAsync();
        return host;
    }

    /// <summary>Sum of every measurement of an instrument, optionally only those with a tag of that value.</summary>
    public double Sum(string instrument, string? tag = null, string? value = null) =>
        _sums.GetValueOrDefault(tag is null ? instrument : $"{instrument}|{tag}={value}");

    public IEnumerable<KeyValuePair<string, double>> Measurements => _sums.OrderBy(p => p.Key);

    /// <summary>Current value of an observable gauge (null: not reported).</summary>
    public double? Gauge(string instrument)
    {
        _listener.RecordObservableInstruments();
        return _last.TryGetValue(instrument, out var value) ? value : null;
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        _sums.AddOrUpdate(instrument.Name, value, (_, old) => old + value);
        _last[instrument.Name] = value;
        foreach (var tag in tags)
        {
            _sums.AddOrUpdate($"{instrument.Name}|{tag.Key}={tag.Value}", value, (_, old) => old + value);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _listener.Dispose();
            _host.Dispose();
        }
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> queue) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(queue, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class QueueLogger(ConcurrentQueue<string> queue, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning || (logLevel >= LogLevel.Information && category.StartsWith("Ciro", StringComparison.Ordinal));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (queue.Count < 2000)
            {
                queue.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception?.Message}");
            }
        }
    }
}
