using System.Net;

namespace Ciro.Analytics.Tests;

/// <summary>
/// The dashboard's API types are generated from the analytics OpenAPI document committed beside it
/// (ClientApp/openapi/analytics.json → ClientApp/src/types/analytics-api.ts, checked by the dashboard's
/// vitest). This test is the first link of that chain: the committed document is what the running API serves, so
/// a changed row record or parameter fails here until the document and the types are regenerated.
/// </summary>
[Collection(AnalyticsCollection.Name)]
public sealed class OpenApiDocumentTests(AnalyticsFixture fixture)
{
    public const string RelativePath = "src/Ciro.Web/ClientApp/openapi/analytics.json";
    private const string Bootstrap = "bootstrap-admin-key-for-openapi-tests";

    [Fact]
    public async Task The_committed_document_is_what_the_api_serves()
    {
        await using var db = await fixture.NewDatabaseAsync();
        await using var app = fixture.App(db, ("Ciro:Auth:BootstrapAdminKey", Bootstrap));
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", Bootstrap);
        var response = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var difference = await CommittedOpenApiDocument.DifferenceAsync(await response.Content.ReadAsStringAsync(), RelativePath, "tests/Ciro.Analytics.Tests");
        Assert.True(difference is null, difference);
    }
}
