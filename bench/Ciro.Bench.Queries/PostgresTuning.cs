using Ciro.LocalInfrastructure;
using Npgsql;

namespace Ciro.Bench.Queries;

/// <summary>
/// Server settings for a 24 GiB machine holding ~30 GB of generated history, applied with ALTER SYSTEM and a
/// restart of the throwaway server: PostgreSQL's defaults (128 MB of shared buffers, 1 GB of WAL between
/// checkpoints) are sized for a laptop and would make the benchmark measure checkpoints, not queries.
/// JIT is off because it adds tens of milliseconds of compilation to exactly the short queries measured here.
/// </summary>
public static class PostgresTuning
{
    private static readonly (string Name, string Value)[] Settings =
    [
        ("shared_buffers", "6GB"),
        ("effective_cache_size", "16GB"),
        ("work_mem", "64MB"),
        ("maintenance_work_mem", "1GB"),
        ("max_wal_size", "4GB"), // WAL on top of ~30 GB of data: 32 GB filled a shared disk
        ("checkpoint_timeout", "30min"),
        ("wal_buffers", "64MB"),
        ("jit", "off"),
    ];

    public static async Task ApplyAsync(LocalPostgres postgres)
    {
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString() + ";Pooling=false"))
        {
            await connection.OpenAsync();
            foreach (var (name, value) in Settings)
            {
                await using var command = new NpgsqlCommand($"alter system set {name} = '{value}'", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        postgres.Stop();
        await postgres.StartServerAsync();
    }
}
