using System.Text.Json;
using Json.Schema;

namespace Ciro.ChainSimulator.Tests.Infrastructure;

/// <summary>
/// The official OpenRPC documents of one spec version (every file of its folder) as a schema registry. Each file
/// is registered under its own name and under "api/&lt;name&gt;", because the websocket and write APIs refer to
/// "./api/starknet_api_openrpc.json#/...".
/// </summary>
public sealed class SpecSchemas
{
    private readonly Uri _base;
    private readonly BuildOptions _options;
    private readonly Dictionary<string, JsonDocument> _documents = new();

    /// <summary>v0.10.3, what the simulator serves by default.</summary>
    public static SpecSchemas Instance { get; } = new("v0.10.3");

    /// <summary>v0.7.1, what it serves with Simulator:RpcShape=v0_7.</summary>
    public static SpecSchemas V0_7 { get; } = new("v0.7.1");

    private SpecSchemas(string version)
    {
        _base = new Uri($"file:///spec/{version}/");
        var registry = new SchemaRegistry();
        foreach (var path in Directory.GetFiles(TestData.Path("starknet", "spec", version), "*.json").Order(StringComparer.Ordinal))
        {
            var file = System.IO.Path.GetFileName(path);
            var document = JsonDocument.Parse(File.ReadAllText(path));
            _documents[file] = document;
            registry.Register(new JsonElementBaseDocument(document.RootElement, new Uri(_base, file)));
            registry.Register(new JsonElementBaseDocument(document.RootElement, new Uri(_base, "api/" + file)));
        }
        // The spec files carry non-schema members ("name" on properties): draft 2020-12 ignores unknown keywords, V1 rejects them.
        _options = new BuildOptions { SchemaRegistry = registry, Dialect = Dialect.Draft202012 };
    }

    public JsonSchema Component(string name, string file = "starknet_api_openrpc.json") => Ref($"{file}#/components/schemas/{name}");

    public JsonSchema MethodResult(string method, string file = "starknet_api_openrpc.json") => Ref($"{file}#/methods/{MethodIndex(method, file)}/result/schema");

    public JsonSchema MethodParam(string method, string param, string file = "starknet_ws_api.json")
    {
        var m = _documents[file].RootElement.GetProperty("methods")[MethodIndex(method, file)];
        var index = m.GetProperty("params").EnumerateArray().Select((p, i) => (p, i)).First(x => x.p.GetProperty("name").GetString() == param).i;
        return Ref($"{file}#/methods/{MethodIndex(method, file)}/params/{index}/schema");
    }

    /// <summary>The spec's error object for a code (components/errors), to compare code and message.</summary>
    public (int Code, string Message) Error(string name, string file = "starknet_api_openrpc.json")
    {
        var e = _documents[file].RootElement.GetProperty("components").GetProperty("errors").GetProperty(name);
        return (e.GetProperty("code").GetInt32(), e.GetProperty("message").GetString()!);
    }

    private int MethodIndex(string method, string file)
    {
        var methods = _documents[file].RootElement.GetProperty("methods").EnumerateArray().ToList();
        var index = methods.FindIndex(m => m.GetProperty("name").GetString() == method);
        return index >= 0 ? index : throw new ArgumentException($"{method} is not in {file}");
    }

    private JsonSchema Ref(string target)
    {
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string> { ["$ref"] = new Uri(_base, target).ToString() }));
        return JsonSchema.Build(doc.RootElement.Clone(), _options, new Uri(_base, "check-" + Guid.NewGuid().ToString("N")));
    }

    public static void AssertValid(JsonSchema schema, JsonElement instance, string what)
    {
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return;
        }
        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .Take(15)
            .Select(d => $"{d.InstanceLocation} ({d.EvaluationPath}): {string.Join("; ", d.Errors!.Select(e => $"{e.Key}: {e.Value}"))}");
        var text = instance.GetRawText();
        Assert.Fail($"{what} does not match the spec schema:\n{string.Join("\n", errors)}\ninstance: {text[..Math.Min(1500, text.Length)]}");
    }

    public static bool IsValid(JsonSchema schema, JsonElement instance) => schema.Evaluate(instance).IsValid;
}
