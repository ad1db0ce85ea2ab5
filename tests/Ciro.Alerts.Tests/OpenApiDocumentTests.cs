using System.Net;

namespace Ciro.Alerts.Tests;

/// <summary>
/// The dashboard's alert types are generated from the alerts OpenAPI document committed beside it
/// (ClientApp/openapi/alerts.json → ClientApp/src/types/alerts-api.ts, checked by the dashboard's vitest). This test
/// is the first link of that chain: the committed document is what the running API serves, so a changed incident,
/// silence or request record fails here until the document and the types are regenerated.
/// </summary>
[Collection(AlertsCollection.Name)]
public sealed class OpenApiDocumentTests(AlertsFixture fixture)
{
    public const string RelativePath = "src/Ciro.Web/ClientApp/openapi/alerts.json";
    private const string Bootstrap = "bootstrap-admin-key-for-alerts-openapi-tests";

    [Fact]
    public async Task The_committed_document_is_what_the_api_serves()
    {
        await using var database = await fixture.NewDatabaseAsync();
        await using var smtp = new SmtpCatcher();
        await using var analytics = fixture.App(database);
        await using var alerts = fixture.Alerts(database, smtp, analytics.Server.CreateHandler(), ("Ciro:Auth:BootstrapAdminKey", Bootstrap));
        using var anonymous = alerts.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        using var http = alerts.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", Bootstrap);
        using var response = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var difference = await CommittedOpenApiDocument.DifferenceAsync(await response.Content.ReadAsStringAsync(), RelativePath, "tests/Ciro.Alerts.Tests");
        Assert.True(difference is null, difference);
    }
}
