using System.Text.Json;
using Aspire.Hosting.Testing;

namespace CiroAspire.AppHost.Tests;

/// <summary>A rule in Ciro.Alerts fires and its email reaches the real SMTP server (smtp4dev), read back from it.</summary>
[Collection(StackCollection.Name)]
public sealed class AlertPathTests(StackFixture stack)
{
    [Fact]
    public async Task A_firing_rule_is_delivered_by_email_once()
    {
        using var smtp4dev = stack.App.CreateHttpClient("mail", "http");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonElement? message = null;
        while (DateTime.UtcNow < deadline && message is null)
        {
            var json = await smtp4dev.GetStringAsync("/api/messages");
            using var document = JsonDocument.Parse(json);
            var list = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement
                : document.RootElement.GetProperty("results");
            foreach (var item in list.EnumerateArray())
            {
                if (item.GetProperty("subject").GetString()?.Contains(StackFixture.TestRule, StringComparison.Ordinal) == true)
                {
                    message = item.Clone();
                }
            }
            if (message is null)
            {
                await Task.Delay(1000);
            }
        }
        Assert.True(message is not null, "no alert email for the test rule arrived at smtp4dev within 90 s");
        Assert.Contains("FIRING", message!.Value.GetProperty("subject").GetString());
        Assert.Contains("operators@localhost", message.Value.GetRawText());

        // The incident is open, exactly once, and visible through the dashboard's API.
        using var web = await stack.WebAsAdminAsync();
        var incidents = JsonDocument.Parse(await web.Http.GetStringAsync("/api/alerts/incidents?state=open")).RootElement;
        Assert.Equal(1, incidents.EnumerateArray().Count(i => i.GetProperty("rule").GetString() == StackFixture.TestRule));
    }
}
