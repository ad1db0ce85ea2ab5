using System.Collections.Concurrent;
using Ciro.LocalInfrastructure;
using Ciro.Storage;
using Npgsql;

namespace Ciro.Messages.Tests;

/// <summary>Against a real PostgreSQL: our payload limit is the server's, and the largest message passes.</summary>
public sealed class NotifyLimitTests : IAsyncLifetime
{
    private LocalPostgres _postgres = null!;

    public async Task InitializeAsync() => _postgres = await LocalPostgres.StartAsync();

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task The_largest_incident_message_goes_through_pg_notify_unchanged()
    {
        await using var dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString());
        var received = new BlockingCollection<(string Channel, string Payload)>();
        await using var listener = await dataSource.OpenConnectionAsync();
        listener.Notification += (_, e) => received.Add((e.Channel, e.Payload));
        await using (var listen = new NpgsqlCommand($"listen {MessageChannels.Incidents.Postgres}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var largest = SampleMessages.LargestIncident();
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await connection.NotifyAsync(tx, largest, default);
            await tx.CommitAsync();
        }

        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10)), "no notification within 10 s");
        var (channel, payload) = Assert.Single(received);
        Assert.Equal(MessageChannels.Incidents.Postgres, channel);
        SampleMessages.AssertSame(largest, MessageSerializer.Deserialize(MessageChannels.Incidents, payload));
    }

    [Fact]
    public async Task Postgres_takes_max_payload_bytes_and_refuses_one_more()
    {
        await using var dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString());
        // 3-byte characters: the limit is in bytes, not characters.
        var fits = new string('€', MessageSerializer.MaxPayloadBytes / 3) + new string('a', MessageSerializer.MaxPayloadBytes % 3);
        await using (var ok = dataSource.CreateCommand("select pg_notify('ciro_limit_probe', $1)"))
        {
            ok.Parameters.AddWithValue(fits);
            await ok.ExecuteNonQueryAsync();
        }
        await using var tooLong = dataSource.CreateCommand("select pg_notify('ciro_limit_probe', $1)");
        tooLong.Parameters.AddWithValue(fits + "a");
        var error = await Assert.ThrowsAsync<PostgresException>(() => tooLong.ExecuteNonQueryAsync());
        Assert.Contains("payload string too long", error.MessageText);
    }
}
