namespace Ciro.Messages;

/// <summary>The names one message type travels under: the PostgreSQL NOTIFY channel (producers notify inside their
/// commit), the Redis pub/sub channel (analytics relays there as it reads them; KPI invalidations when its rollups caught up) and the SignalR method
/// on the web's <c>/hubs/activity</c>.</summary>
public sealed record MessageChannel(Type MessageType, string Postgres, string Redis, string HubMethod);

/// <summary>Every message type and its channel names: the only place these names are spelled.</summary>
public static class MessageChannels
{
    public static readonly MessageChannel Blocks = new(typeof(BlocksCommitted), "ciro_blocks", "ciro:blocks", "blockCommitted");
    public static readonly MessageChannel Reorgs = new(typeof(Reorg), "ciro_reorg", "ciro:reorg", "reorg");
    public static readonly MessageChannel Resyncs = new(typeof(Resync), "ciro_resync", "ciro:resync", "resync");
    public static readonly MessageChannel Incidents = new(typeof(IncidentChanged), "ciro_incidents", "ciro:incidents", "incidentChanged");
    public static readonly MessageChannel Kpis = new(typeof(KpiInvalidated), "ciro_kpi", "ciro:kpi", "kpiInvalidated");

    public static IReadOnlyList<MessageChannel> All { get; } = [Blocks, Reorgs, Resyncs, Incidents, Kpis];

    private static readonly Dictionary<Type, MessageChannel> ByType = All.ToDictionary(c => c.MessageType);
    private static readonly Dictionary<string, MessageChannel> ByPostgres = All.ToDictionary(c => c.Postgres);
    private static readonly Dictionary<string, MessageChannel> ByRedis = All.ToDictionary(c => c.Redis);

    public static MessageChannel Of(CiroMessage message) =>
        ByType.TryGetValue(message.GetType(), out var channel)
            ? channel
            : throw new ArgumentException($"{message.GetType().Name} has no channel in MessageChannels.All.", nameof(message));

    public static MessageChannel? FromPostgres(string channel) => ByPostgres.GetValueOrDefault(channel);

    public static MessageChannel? FromRedis(string channel) => ByRedis.GetValueOrDefault(channel);
}
