using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Ciro.Analytics.Rollups;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciro.Analytics.Tests;

/// <summary>The OpenAPI document against the routing table, and contract usage per bucket.</summary>
[Collection(AnalyticsCollection.Name)]
public sealed class ApiContractTests(AnalyticsFixture fixture) : IAsyncLifetime
{
    private const string Bootstrap = "bootstrap-admin-key-for-contract-tests";
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = await fixture.NewDatabaseAsync();
        await KnownChain.InsertAsync(_db, KnownChain.Standard().Blocks);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>
    /// Every /api route the app maps (read from its routing table, so a new route is checked by itself) is in
    /// /openapi/v1.json under its method, with every parameter its handler binds: route values, [FromQuery] and
    /// [FromHeader] properties of [AsParameters] classes, and plain-typed handler arguments (query strings).
    /// The Accept header is left out: OpenAPI says header parameters named Accept are ignored.
    /// </summary>
    [Fact]
    public async Task OpenApi_document_lists_every_api_route_with_its_parameters()
    {
        await using var app = fixture.App(_db, ("Ciro:Auth:BootstrapAdminKey", Bootstrap));
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", Bootstrap);
        var response = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paths");
        var documented = paths.EnumerateObject().ToDictionary(p => Normalize(p.Name), p => p.Value);

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/", StringComparison.Ordinal)).ToList();
        Assert.True(endpoints.Count >= 17, $"only {endpoints.Count} endpoints found");
        var checkedParameters = 0;
        foreach (var endpoint in endpoints)
        {
            var path = Normalize(endpoint.RoutePattern.RawText!);
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods[0].ToLowerInvariant();
            Assert.True(documented.TryGetValue(path, out var item), $"{path} is not in the OpenAPI document");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is not in the OpenAPI document");
            var listed = operation.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Select(p => (p.GetProperty("name").GetString()!.ToLowerInvariant(), p.GetProperty("in").GetString()!)).ToHashSet()
                : [];
            foreach (var expected in Bound(endpoint))
            {
                Assert.True(listed.Contains(expected), $"{method} {path}: parameter {expected.Name} in {expected.In} is not documented " +
                                                       $"(documented: {string.Join(", ", listed)})");
                checkedParameters++;
            }
        }
        // Nine KPI tables with ten filters each, at least: the walk found the parameters, not nothing.
        Assert.True(checkedParameters >= 90, $"only {checkedParameters} parameters checked");
    }

    private static string Normalize(string path) => "/" + path.Trim('/');

    /// <summary>The (lowercase name, location) of every parameter the endpoint's handler binds from the request.</summary>
    private static IEnumerable<(string Name, string In)> Bound(RouteEndpoint endpoint)
    {
        var routeValues = endpoint.RoutePattern.Parameters.Select(p => p.Name.ToLowerInvariant()).ToHashSet();
        foreach (var name in routeValues)
        {
            yield return (name, "path");
        }
        var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
        Assert.True(handler is not null, $"{endpoint.DisplayName} has no handler method in its metadata");
        foreach (var parameter in handler!.GetParameters())
        {
            if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
            {
                foreach (var property in parameter.ParameterType.GetProperties())
                {
                    if (property.GetCustomAttribute<FromQueryAttribute>() is { } query)
                    {
                        yield return ((query.Name ?? property.Name).ToLowerInvariant(), "query");
                    }
                    else if (property.GetCustomAttribute<FromHeaderAttribute>() is { } header && !"Accept".Equals(header.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        yield return ((header.Name ?? property.Name).ToLowerInvariant(), "header");
                    }
                }
            }
            else if (parameter.GetCustomAttribute<FromQueryAttribute>() is { } query)
            {
                yield return ((query.Name ?? parameter.Name!).ToLowerInvariant(), "query");
            }
            else if (IsPlain(parameter.ParameterType) && !routeValues.Contains(parameter.Name!.ToLowerInvariant())
                     && parameter.GetCustomAttribute<FromBodyAttribute>() is null)
            {
                yield return (parameter.Name!.ToLowerInvariant(), "query");
            }
        }
    }

    private static bool IsPlain(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid) || type == typeof(DateTimeOffset);
    }

    [Fact]
    public async Task Usage_answers_per_bucket_when_a_bucket_is_given_and_over_the_range_otherwise()
    {
        await using var app = fixture.App(_db);
        await app.Services.GetRequiredService<RollupReconciler>().ReconcileAsync(null, default);
        var http = app.CreateClient();
        const string range = "from=2026-03-02T10:00:00Z&to=2026-03-02T12:00:00Z";

        var hourly = await Page(http, $"/api/kpi/usage?{range}&contract={KnownChain.JobManager}&bucket=hour");
        Assert.Equal("hour", hourly.GetProperty("bucket").GetString());
        var results = hourly.GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("function").GetString() == "submit_job_result").ToArray();
        // Hour 10: W2 (b3, first call ever: new) and W1 (b4; called in b0 at 09:59: returning). Hour 11: W3 (b5, new).
        Assert.Equal(2, results.Length);
        Assert.Equal(KnownChain.T0, results[0].GetProperty("bucketStart").GetDateTimeOffset());
        Assert.Equal(2, results[0].GetProperty("calls").GetInt64());
        Assert.Equal(1, results[0].GetProperty("newCallers").GetInt64());
        Assert.Equal(1, results[0].GetProperty("returningCallers").GetInt64());
        Assert.Equal(KnownChain.T0.AddHours(1), results[1].GetProperty("bucketStart").GetDateTimeOffset());
        Assert.Equal(1, results[1].GetProperty("calls").GetInt64());
        Assert.Equal(1, results[1].GetProperty("newCallers").GetInt64());
        // Every row of an hourly answer starts on an hour; the day answer has one bucket.
        Assert.All(hourly.GetProperty("items").EnumerateArray(), r => Assert.Equal(0, r.GetProperty("bucketStart").GetDateTimeOffset().Minute));
        var daily = await Page(http, $"/api/kpi/usage?{range}&bucket=day");
        Assert.All(daily.GetProperty("items").EnumerateArray(),
            r => Assert.Equal(KnownChain.T0.Date, r.GetProperty("bucketStart").GetDateTimeOffset().UtcDateTime));

        // No bucket: one row per function over the whole range, as before (cached apart from bucket=hour).
        var whole = await Page(http, $"/api/kpi/usage?{range}&contract={KnownChain.JobManager}");
        Assert.Equal("range", whole.GetProperty("bucket").GetString());
        var result = Assert.Single(whole.GetProperty("items").EnumerateArray(), r => r.GetProperty("function").GetString() == "submit_job_result");
        Assert.Equal(3, result.GetProperty("calls").GetInt64());
        Assert.Equal(2, result.GetProperty("newCallers").GetInt64());
        var csv = await http.GetStringAsync($"/api/kpi/usage?{range}&bucket=hour&format=csv");
        Assert.StartsWith("bucketStart,contract,function,", csv);
    }

    private static async Task<JsonElement> Page(HttpClient http, string url)
    {
        var response = await http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
