using Npgsql;

// The kit runs the machine's Debian packages; these tests only ever run on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Ciro.LocalInfrastructure.Tests;

/// <summary>
/// The local PostgreSQL's data folder is one the server's user can reach wherever it was asked for. As root the
/// server runs as the <c>postgres</c> user, which cannot enter a mode-700 folder of root's (a checkout under
/// /root): there initdb used to fail with "could not access directory … Permission denied".
/// </summary>
public sealed class PostgresDataFolderTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // A folder only its owner may enter, like /root on Debian.
    private readonly string _ownerOnly = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), $"ciro-owner-only-{Guid.NewGuid():N}"), OwnerOnly).FullName;

    [Fact]
    public async Task A_addressasked_to_keep_its_data_in_an_owner_only_folder_starts_and_answers()
    {
        var requested = Path.Combine(_ownerOnly, "checkout", ".data", "postgres");
        await using (var postgres = await LocalPostgres.StartAsync(requested))
        {
            await using var connection = new NpgsqlConnection(postgres.ConnectionString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select current_setting('data_directory')", connection);
            var dataDirectory = (string)(await command.ExecuteScalarAsync())!;

            Assert.Equal(postgres.DataFolder.Directory, dataDirectory);
            if (PostgresUser.IsRoot)
            {
                var expectedHome = Path.Combine(PostgresDataFolder.FallbackRoot, HashOf(requested));
                Assert.Equal(Path.Combine(expectedHome, "postgres"), dataDirectory);
                Assert.Equal(
                    $"data in {dataDirectory}, because the postgres user cannot enter {_ownerOnly} to reach {requested}",
                    postgres.DataFolder.Choice);
                Assert.Equal(requested + "\n", await File.ReadAllTextAsync(Path.Combine(expectedHome, "requested")));
            }
            else
            {
                Assert.Equal(requested, dataDirectory); // the server runs as us: what we can reach, it can
            }
        }
        Assert.False(Directory.Exists(Path.Combine(PostgresDataFolder.FallbackRoot, HashOf(requested))),
            "the throwaway server's folder under /var/lib/ciro outlived it");
    }

    [Fact]
    public void A_folder_the_addresscan_reach_is_used_as_asked()
    {
        var requested = Path.Combine(Path.GetTempPath(), $"ciro-reachable-{Guid.NewGuid():N}", "postgres");
        var folder = PostgresDataFolder.Locate(requested);
        try
        {
            Assert.Equal(requested, folder.Directory);
            Assert.Equal($"data in {requested}", folder.Choice);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(requested)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_kept_addressgets_a_password_in_an_owner_only_file_and_keeps_it_between_starts()
    {
        var folder = PostgresDataFolder.Locate(Path.Combine(_ownerOnly, ".data", "postgres"));
        try
        {
            var password = folder.EnsureInitialisedWithPassword();

            Assert.Equal(32, password.Length);
            Assert.Equal(SecretFile.Mode, File.GetUnixFileMode(folder.PasswordFile));
            Assert.Equal(password, folder.EnsureInitialisedWithPassword()); // second start: same data, same password
            Assert.Equal(SecretFile.Mode, File.GetUnixFileMode(folder.PasswordFile));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(folder.Directory)!, ".initdb-*")); // initdb's copy is gone

            // The server takes that password over TCP and refuses another.
            var port = FreePort.Next();
            var command = PostgresServer.Command(folder, port);
            using var server = new ChildProcess(command[0], command.Skip(1), workingDirectory: Path.GetDirectoryName(folder.Directory));
            var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5";
            await using var connection = await OpenWhenReadyAsync($"{connectionString};Password={password}", server);
            await using var wrong = new NpgsqlConnection($"{connectionString};Password=not-{password}");
            var refused = await Assert.ThrowsAsync<PostgresException>(() => wrong.OpenAsync());
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        }
        finally
        {
            folder.Delete();
        }
    }

    [Fact]
    public async Task A_kept_addressgives_each_service_role_its_own_password_in_an_owner_only_file()
    {
        var folder = PostgresDataFolder.Locate(Path.Combine(_ownerOnly, ".data", "postgres"));
        try
        {
            var superuserPassword = folder.EnsureInitialisedWithPassword();
            var port = FreePort.Next();
            var command = PostgresServer.Command(folder, port);
            using var server = new ChildProcess(command[0], command.Skip(1), workingDirectory: Path.GetDirectoryName(folder.Directory));
            var address = $"Host=127.0.0.1;Port={port};Database=postgres;Pooling=false;Timeout=5";
            await using (await OpenWhenReadyAsync($"{address};Username=postgres;Password={superuserPassword}", server))
            {
            }

            var passwords = await ServiceLogins.ProvisionAsync(folder, $"{address};Username=postgres;Password={superuserPassword}");

            Assert.Equal(["ciro_alerts", "ciro_analytics", "ciro_indexer"], passwords.Keys.Order());
            Assert.Equal(3, passwords.Values.Distinct().Count());
            Assert.DoesNotContain(superuserPassword, passwords.Values);
            foreach (var (role, password) in passwords)
            {
                var file = folder.RolePasswordFile(role);
                Assert.Equal($"{folder.Directory}.{role}.password", file);
                Assert.Equal(SecretFile.Mode, File.GetUnixFileMode(file));
                Assert.Equal(32, password.Length);

                // The role logs in with its password over TCP, as itself, and is refused with another.
                await using (var connection = new NpgsqlConnection($"{address};Username={role};Password={password}"))
                {
                    await connection.OpenAsync();
                    await using var who = new NpgsqlCommand("select current_user, (select rolsuper from pg_roles where rolname = current_user)", connection);
                    await using var reader = await who.ExecuteReaderAsync();
                    Assert.True(await reader.ReadAsync());
                    Assert.Equal(role, reader.GetString(0));
                    Assert.False(reader.GetBoolean(1));
                }
                await using var wrong = new NpgsqlConnection($"{address};Username={role};Password={superuserPassword}");
                var refused = await Assert.ThrowsAsync<PostgresException>(() => wrong.OpenAsync());
                Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
            }

            // The next start keeps the files and their passwords.
            Assert.Equal(passwords, await ServiceLogins.ProvisionAsync(folder, $"{address};Username=postgres;Password={superuserPassword}"));
        }
        finally
        {
            folder.Delete();
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(_ownerOnly, ".data"), "*.password"));
    }

    [Fact]
    public void A_secret_file_is_owner_only_from_its_creation_and_never_overwritten()
    {
        var path = Path.Combine(_ownerOnly, "secret");
        SecretFile.Create(path, "s3cret");

        Assert.Equal(SecretFile.Mode, File.GetUnixFileMode(path));
        Assert.Equal("s3cret", File.ReadAllText(path));
        Assert.Throws<IOException>(() => SecretFile.Create(path, "other"));
    }

    private static async Task<NpgsqlConnection> OpenWhenReadyAsync(string connectionString, ChildProcess server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync();
                return connection;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !server.HasExited)
            {
                await connection.DisposeAsync();
                await Task.Delay(100);
            }
        }
    }

    private static string HashOf(string path) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)))[..16];

    public void Dispose() => Directory.Delete(_ownerOnly, recursive: true);
}
