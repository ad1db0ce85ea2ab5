using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.Testing;
using Ciro.LocalInfrastructure;
using Npgsql;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// Issue 15, "as root, a checkout under a mode-700 folder: the run command brings the stack up". The shared stack
/// (<see cref="StackFixture"/>, the AppHost scripts/run.sh runs, in its local mode) keeps its data in
/// <c>checkout/.data</c> under a folder only root may enter; every other test of the collection needs that stack up
/// and healthy. This test says where PostgreSQL's data went and that the services reached it. What it does not show:
/// the AppHost, smtp4dev and the services run from this checkout, not from one under the mode-700 folder (they run
/// as root, which enters any folder; only PostgreSQL switches to the postgres user).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class RootOnlyDataTests(StackFixture stack)
{
    [Fact]
    public async Task The_stack_with_its_data_under_an_owner_only_folder_keeps_postgres_data_where_the_postgres_user_can_reach_it()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(stack.OwnerOnlyRoot));
        var requested = Path.Combine(stack.DataDirectory, "postgres");

        await using var connection = new NpgsqlConnection(await stack.App.GetConnectionStringAsync("ciro"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select current_setting('data_directory'),
                   (select count(*) from ciro.blocks),
                   (select array_agg(distinct usename::text order by usename::text) from pg_stat_activity
                    where datname = current_database() and usename like 'ciro\_%')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var dataDirectory = reader.GetString(0);
        if (PostgresUser.IsRoot)
        {
            // The kit's fallback: /var/lib/ciro/<first 16 hex digits of SHA-256 of the requested path>/postgres.
            var home = Path.Combine(PostgresDataFolder.FallbackRoot,
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requested)))[..16]);
            Assert.Equal(Path.Combine(home, "postgres"), dataDirectory);
            Assert.Equal(requested + "\n", await File.ReadAllTextAsync(Path.Combine(home, "requested")));
            // Nothing of the server's in the folder it could not reach: data and password files are beside each other there.
            Assert.False(Directory.Exists(requested));
            Assert.Empty(Directory.GetFiles(stack.DataDirectory, "postgres*"));
            Assert.True(File.Exists(Path.Combine(home, "postgres.password")));
        }
        else
        {
            Assert.Equal(requested, dataDirectory); // the server runs as us: what we can reach, it can
        }
        // The indexer wrote the chain there and every service is connected as its role.
        Assert.True(reader.GetInt64(1) > 0, "no block indexed");
        Assert.Equal(["ciro_alerts", "ciro_analytics", "ciro_indexer"], reader.GetFieldValue<string[]>(2));
    }
}
