using System.Text;

namespace Ciro.Messages.Tests;

public sealed class MessageSerializerTests
{
    /// <summary>The wire format, pinned: what the dashboard's generated types describe.</summary>
    [Fact]
    public void Every_message_serialises_to_its_camel_case_json()
    {
        Assert.Equal("""{"from":1234567,"to":1234591,"headTime":"2026-03-02T10:15:42+00:00"}""", MessageSerializer.Serialize(SampleMessages.Blocks));
        Assert.Equal("""{"fromBlock":777001,"depth":3,"reason":"reindex"}""", MessageSerializer.Serialize(SampleMessages.Reorg));
        Assert.Equal("""{"reason":"unreadableNotification"}""", MessageSerializer.Serialize(SampleMessages.Resync));
        Assert.Equal(
            """{"incidentId":"6f9619ff-8b86-d011-b42d-00cf4fc964ff","state":"acknowledged","severity":"warning","rule":"gas-spike","labels":{"contract":"0x049d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7","function":"submit_job_result","région":"Zürich ☃"},"at":"2026-03-02T10:16:00.123+00:00"}""",
            MessageSerializer.Serialize(SampleMessages.Incident));
        Assert.Equal("""{"family":"workers","from":"2026-03-02T09:00:00+00:00","to":"2026-03-02T11:00:00+00:00"}""", MessageSerializer.Serialize(SampleMessages.Kpi));
    }

    [Fact]
    public void Every_message_round_trips_through_its_channel()
    {
        foreach (var message in SampleMessages.All)
        {
            var channel = MessageChannels.Of(message);
            SampleMessages.AssertSame(message, MessageSerializer.Deserialize(channel, MessageSerializer.Serialize(message)));
        }
    }

    [Theory]
    [InlineData("""{"from":6,"to":6}""", "headTime")]
    [InlineData("""{"from":6,"to":6,"headTime":null}""", "headTime")]
    [InlineData("""{"from":"6","to":6,"headTime":"2026-03-02T10:15:42Z"}""", "from")]
    [InlineData("""{"fromBlock":6,"to":6,"headTime":"2026-03-02T10:15:42Z"}""", "from")]
    [InlineData("not json", "ciro_blocks")]
    public void A_missing_null_or_mistyped_field_is_an_error_naming_it(string payload, string named)
    {
        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize(MessageChannels.Blocks, payload));
        Assert.Contains(named, error.Message);
        Assert.Contains("BlocksCommitted on channel ciro_blocks/ciro:blocks", error.Message);
    }

    [Theory]
    [InlineData("""{"fromBlock":6,"depth":1,"reason":1}""")]
    [InlineData("""{"fromBlock":6,"depth":1,"reason":"sideways"}""")]
    public void Enums_are_read_only_by_name(string payload)
    {
        var error = Assert.Throws<MessageFormatException>(() => MessageSerializer.Deserialize(MessageChannels.Reorgs, payload));
        Assert.Contains("reason", error.Message);
    }

    [Fact]
    public void The_largest_incident_the_limits_allow_fits_a_notify_and_one_label_more_is_refused()
    {
        var largest = SampleMessages.LargestIncident();
        var bytes = Encoding.UTF8.GetByteCount(MessageSerializer.Serialize(largest));
        Assert.InRange(bytes, 5_000, MessageSerializer.MaxPayloadBytes);

        var labels = largest.Labels.ToDictionary();
        for (var i = 0; i < 8; i++)
        {
            labels[$"extra{i}" + new string('€', 20)] = new string('€', IncidentChanged.MaxLabelValueLength);
        }
        var error = Assert.Throws<ArgumentException>(() => MessageSerializer.Serialize(largest with { Labels = labels }));
        Assert.Contains("IncidentChanged serialises to", error.Message);
        Assert.Contains($"at most {MessageSerializer.MaxPayloadBytes}", error.Message);
    }

    [Fact]
    public void Every_message_type_has_one_channel_with_unique_names()
    {
        var types = typeof(CiroMessage).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(CiroMessage)) && !t.IsAbstract).ToHashSet();
        Assert.Equal(types.OrderBy(t => t.Name), MessageChannels.All.Select(c => c.MessageType).OrderBy(t => t.Name));
        Assert.Equal(types.Count, MessageChannels.All.Select(c => c.Postgres).Distinct().Count());
        Assert.Equal(types.Count, MessageChannels.All.Select(c => c.Redis).Distinct().Count());
        Assert.Equal(types.Count, MessageChannels.All.Select(c => c.HubMethod).Distinct().Count());
        foreach (var channel in MessageChannels.All)
        {
            // LISTEN takes an identifier: lower case, no quoting needed.
            Assert.Matches("^[a-z_]+$", channel.Postgres);
            Assert.Same(channel, MessageChannels.FromPostgres(channel.Postgres));
            Assert.Same(channel, MessageChannels.FromRedis(channel.Redis));
        }
    }
}
