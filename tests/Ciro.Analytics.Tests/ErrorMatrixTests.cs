using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>Bad input of every kind gets 400 ProblemDetails naming the field; nothing gets a 500.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class ErrorMatrixTests(AnalyticsFixture fixture) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(_db, KnownChain.Standard().Blocks);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    public static TheoryData<string, string> BadRequests => new()
    {
        { "/api/kpi/gas?metric=gas_used", "metric" },
        { "/api/kpi/gas?metric=l2_gas;drop table ciro.blocks", "metric" },
        { "/api/kpi/network?metric=l2_gas", "metric" },
        { "/api/kpi/gas?from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z", "from" },
        { "/api/kpi/gas?from=2026-03-02T00:00:00Z&to=2026-03-02T00:00:00Z", "from" },
        { "/api/kpi/gas?from=2016-01-01T00:00:00Z&to=2026-03-02T00:00:00Z", "from" },
        { "/api/kpi/gas?from=0", "from" },
        { "/api/kpi/gas?from=yesterday", "from" },
        { "/api/kpi/gas?to=2026-13-45", "to" },
        { "/api/kpi/gas?to=99999999999999999999", "to" },
        { "/api/kpi/gas?from=2025-01-01T00:00:00Z&to=2026-03-02T00:00:00Z&bucket=hour", "bucket" },
        { "/api/kpi/gas?from=2025-01-01T00:00:00Z&to=2026-03-02T00:00:00Z&bucket=raw", "bucket" },
        { "/api/kpi/gas?bucket=minute", "bucket" },
        { "/api/kpi/timing/inclusion?bucket=raw", "bucket" },
        { "/api/kpi/gas?contract=0xZZ", "contract" },
        { "/api/kpi/gas?contract=111", "contract" },
        { "/api/kpi/gas?contract=0x' or 1=1 --", "contract" },
        { "/api/kpi/gas?contract=0x" + "f0000000000000000000000000000000000000000000000000000000000000000", "contract" },
        { "/api/kpi/gas?contract=0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "contract" },
        { "/api/kpi/workers?worker=robert'); drop table students;--", "worker" },
        { "/api/kpi/gas?function=transfer()", "function" },
        { "/api/kpi/gas?function=0xnot", "function" },
        { "/api/kpi/gas?page=0", "page" },
        { "/api/kpi/gas?page=abc", "page" },
        { "/api/kpi/gas?pageSize=100000", "pageSize" },
        { "/api/kpi/gas?pageSize=-1", "pageSize" },
        { "/api/kpi/gas?format=xml", "format" },
        { "/api/kpi/usage?from=2026-01-01T00:00:00Z&to=2026-03-02T00:00:00Z", "from" },
        { "/api/kpi/anomalies?metric=tps", "metric" },
        { "/api/kpi/anomalies?metric=events&function=transfer", "metric" },
        { "/api/blocks/-1/summary", "number" },
        { "/api/blocks/1e3/summary", "number" },
        { "/api/events/last?name=Job%27;--", "name" },
        { "/api/activity/jobs?minutes=0", "minutes" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_a_400_naming_the_field(string url, string field)
    {
        await using var app = fixture.App(_db);
        var response = await app.CreateClient().GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode} {body}");
        Assert.Contains("json", response.Content.Headers.ContentType?.ToString());
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(field, problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("Ciro:Analytics:BlockL2GasTarget", "7000000000", "Ciro:Analytics:BlockL2GasTarget = 7000000000 must not exceed Ciro:Analytics:BlockL2GasLimit = 6000000000")]
    [InlineData("Ciro:Analytics:MaxRangeDays", "0", "Ciro:Analytics:MaxRangeDays = 0 must be between 1 and 3660")]
    [InlineData("Ciro:Auth:BootstrapAdminKey", "short", "Ciro:Auth:BootstrapAdminKey has 5 characters; it must have at least 16")]
    [InlineData("Ciro:Auth:Jwt:Authority", "not a url", "Ciro:Auth:Jwt:Authority = 'not a url' must be an absolute URL")]
    [InlineData("Ciro:Auth:Jwt:Authority", "https://issuer.test", "Ciro:Auth:Jwt:Audience is empty; it is required when Ciro:Auth:Jwt:Authority is set ('https://issuer.test')")]
    [InlineData("Ciro:Analytics:StatementTimeoutSeconds", "0", "Ciro:Analytics:StatementTimeoutSeconds = 0 must be between 1 and 3600")]
    public void A_bad_setting_stops_start_with_a_message_naming_the_key(string key, string value, string message)
    {
        using var app = fixture.App(_db, (key, value));
        var error = Record.Exception(() => app.CreateClient());
        Assert.NotNull(error);
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public async Task Injection_strings_in_valid_looking_fields_are_answered_not_executed()
    {
        await using var app = fixture.App(_db);
        var http = app.CreateClient();
        var response = await http.GetAsync("/api/events/last?name=JobSubmitted");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // A function name that is valid syntax but names nothing: an empty table, and the chain is still there.
        var page = await http.GetFromJsonAsync<JsonElement>("/api/kpi/gas?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z&function=drop_table_blocks");
        Assert.Equal(0, page.GetProperty("totalCount").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/blocks/6/summary")).StatusCode);
    }
}
