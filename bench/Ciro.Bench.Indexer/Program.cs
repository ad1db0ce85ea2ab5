using Ciro.Bench.Indexer;

// bench/run indexer [--events N]: backfill throughput against the COPY ceiling, then follow-mode latency.
// Everything runs on 127.0.0.1 (a throwaway PostgreSQL, the simulator, the indexer binary) and stops by itself.
var events = 1_000_000;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--events" && i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n >= 1000)
    {
        events = n;
        i++;
    }
    else
    {
        Console.Error.WriteLine($"bench indexer: unknown or invalid argument '{args[i]}' (usage: --events N, N >= 1000)");
        return 2;
    }
}
return await IndexerBenchmark.RunAsync(events);
