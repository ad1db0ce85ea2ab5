using Ciro.Bench.Fanout;

// bench/run fanout [--clients N] [--blocks N] [--replicas N]: a Redis and N web processes on 127.0.0.1, N signed-in
// SignalR clients in this process; each block commit is relayed on Redis as analytics relays it, and the time to
// each client is measured. Stops by itself.
var options = new FanoutOptions();
for (var i = 0; i < args.Length; i++)
{
    if (i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n >= 1 && args[i] is "--clients" or "--blocks" or "--replicas")
    {
        options = args[i++] switch
        {
            "--clients" => options with { Clients = n },
            "--blocks" => options with { Blocks = n },
            _ => options with { Replicas = n },
        };
    }
    else
    {
        Console.Error.WriteLine("usage: bench/run fanout [--clients N] [--blocks N] [--replicas N]");
        return 2;
    }
}
return await FanoutRun.RunAsync(options, FindRoot());

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
