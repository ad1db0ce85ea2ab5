using Ciro.Alerts.Incidents;
using Ciro.Messages;

namespace Ciro.Alerts.Tests;

/// <summary>Dedup keys come from the rule and its labels only; mute windows by local time of day and weekday.</summary>
public sealed class IncidentKeyTests
{
    [Fact]
    public void The_dedup_key_is_the_rule_and_its_labels_in_key_order_never_a_measured_value()
    {
        var a = Signals.Of("gas-spike", IncidentSeverity.Critical, "9x", new Dictionary<string, string> { ["function"] = "transfer", ["contract"] = "0xabc" },
            observed: "412,000");
        var b = Signals.Of("gas-spike", IncidentSeverity.Warning, "3x", new Dictionary<string, string> { ["contract"] = "0xabc", ["function"] = "transfer" },
            observed: "150,000");
        Assert.Equal("gas-spike{contract=\"0xabc\",function=\"transfer\"}", a.DedupKey);
        Assert.Equal(a.DedupKey, b.DedupKey);
        Assert.NotEqual(a.DedupKey, (a with { Labels = new Dictionary<string, string> { ["contract"] = "0xabc" } }).DedupKey);
        // A quote in a value cannot forge another label set.
        Assert.NotEqual(DedupKeys.Of("r", new Dictionary<string, string> { ["a"] = "1\",b=\"2" }),
            DedupKeys.Of("r", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }));
    }

    [Theory]
    [InlineData("2026-11-30T22:30:00Z", true)]   // Monday 23:30 in Berlin
    [InlineData("2026-12-01T00:30:00Z", true)]   // Tuesday 01:30, in Monday's window that crossed midnight
    [InlineData("2026-12-01T02:00:00Z", false)]  // Tuesday 03:00: after the window
    [InlineData("2026-12-01T22:30:00Z", false)]  // Tuesday 23:30: the window is Mondays only
    [InlineData("2026-11-30T20:59:00Z", false)]  // Monday 21:59: before it
    public void A_mute_window_crossing_midnight_belongs_to_the_day_it_starts(string at, bool muted)
    {
        var window = new MuteTimeWindow
        {
            Name = "monday-maintenance", Days = [DayOfWeek.Monday], Start = "22:00", End = "02:00", TimeZone = "Europe/Berlin",
            Match = new() { ["contract"] = "0xabc" },
        };
        Assert.Equal(muted, window.Contains(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), new Dictionary<string, string> { ["contract"] = "0xabc" }));
        Assert.False(window.Contains(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), new Dictionary<string, string> { ["contract"] = "0xdef" }));
    }
}
