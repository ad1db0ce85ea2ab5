using Aspire.Hosting.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace CiroAspire.AppHost.Tests;

/// <summary>
/// The dashboard's alerts view in Debian's Chromium on the whole stack: an incident the pipeline opened (the
/// <see cref="StackFixture.DashboardRule"/> rule fires because the simulator never emits ReputationUpdated) appears
/// in the list, its detail shows the timeline, and the Acknowledge button changes it — in the browser and in the
/// database (state, who, the comment in the audit trail), and in a second browser that has the incident open,
/// without its reload. The browser script is ClientApp/e2e/alerts.e2e.mjs;
/// its screenshots go to TestResults/screenshots/.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AlertsViewTests(StackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task An_operator_acknowledges_a_pipeline_incident_in_the_browser_and_the_database_records_it()
    {
        var run = await BrowserScript.RunForJsonAsync(stack.App, stack.WebAdminPassword, output, "e2e/alerts.e2e.mjs",
            "--rule", StackFixture.DashboardRule, "--screenshots", BrowserScript.Screenshots, "--timeout", "150");
        var id = Guid.Parse(run.GetProperty("id").GetString()!);
        var comment = run.GetProperty("comment").GetString()!;
        Assert.Equal("firing", run.GetProperty("before").GetString());
        Assert.Equal("acknowledged", run.GetProperty("after").GetString());
        // A second browser with the incident open saw the ack arrive (incidentChanged push), without a reload.
        Assert.Equal("acknowledged", run.GetProperty("secondBrowser").GetString());

        await using var connection = new NpgsqlConnection(await stack.App.GetConnectionStringAsync("ciro"));
        await connection.OpenAsync();
        await using (var incident = new NpgsqlCommand("select rule, state, acknowledged_by from alerts.incidents where id = $1", connection))
        {
            incident.Parameters.AddWithValue(id);
            await using var reader = await incident.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"incident {id} is not in alerts.incidents");
            Assert.Equal(StackFixture.DashboardRule, reader.GetString(0));
            Assert.Equal("acknowledged", reader.GetString(1));
            // The web tier names the signed-in person; alerts records who acted through which key.
            Assert.StartsWith("admin (via ", reader.GetString(2));
        }
        await using (var audit = new NpgsqlCommand("select kind, actor from alerts.incident_events where incident_id = $1 and comment = $2", connection))
        {
            audit.Parameters.AddWithValue(id);
            audit.Parameters.AddWithValue(comment);
            await using var reader = await audit.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), "the ack's comment is not in the audit trail");
            Assert.Equal("acknowledged", reader.GetString(0));
            Assert.StartsWith("admin (via ", reader.GetString(1));
            Assert.False(await reader.ReadAsync(), "the ack was recorded twice");
        }
    }
}
