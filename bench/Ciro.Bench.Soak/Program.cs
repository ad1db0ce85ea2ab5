using System.Globalization;
using Ciro.Bench.Soak;

// bench/run soak [--minutes N] [--clients N] [--users N] [--warm-up N]: the whole stack (local PostgreSQL, Redis, smtp4dev, the
// simulator on `peak` with 1.5 s blocks, indexer, analytics, alerts, web) at Starknet's peak rate with open dashboards
// for N minutes (default 60); samples every 10 s into bench/results/soak-<time>/samples.csv and chart.png; ends with
// one "soak: …" line. Everything listens on 127.0.0.1 and is stopped when it ends.
var minutes = 60.0;
var clients = 200;
var users = 10;
double? warmUp = null;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--minutes" when double.TryParse(value, CultureInfo.InvariantCulture, out var m) && m is > 0 and <= 1440:
            minutes = m;
            break;
        case "--clients" when int.TryParse(value, CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= 5000:
            clients = c;
            break;
        // The web allows 10 sign-ins a minute per address: more users than that would be refused.
        case "--users" when int.TryParse(value, CultureInfo.InvariantCulture, out var u) && u is >= 1 and <= 10:
            users = u;
            break;
        // Minutes left out of the memory slopes (default: a third of the run, at most 15).
        case "--warm-up" when double.TryParse(value, CultureInfo.InvariantCulture, out var w) && w is >= 0 and <= 1440:
            warmUp = w;
            break;
        default:
            Console.Error.WriteLine($"bench soak: unknown or invalid argument '{args[i]}' {value} (usage: --minutes N (0-1440], --clients N [1, 5000], --users N [1, 10], --warm-up N [0, 1440])");
            return 2;
    }
    i++;
}
if (warmUp >= minutes)
{
    Console.Error.WriteLine($"bench soak: --warm-up {warmUp} must be shorter than --minutes {minutes}: the memory slopes are fitted after it");
    return 2;
}
var root = FindRoot();
var output = Path.Combine(root, "bench", "results", $"soak-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
return await new SoakRun(new SoakOptions(minutes, clients, users, BlockIntervalMs: 1500, WarmUpMinutes: warmUp), root, output).RunAsync();

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "CiroAspire.sln")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("CiroAspire.sln not found above " + AppContext.BaseDirectory);
}
