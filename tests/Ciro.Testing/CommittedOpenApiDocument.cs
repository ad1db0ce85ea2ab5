using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ciro.Testing;

/// <summary>
/// The dashboard's API types are generated from OpenAPI documents committed under ClientApp/openapi/ (→
/// ClientApp/src/types/*-api.ts, checked by the dashboard's vitest). This is the first link of that chain for each
/// service: the committed document must be what the running service serves. With CIRO_WRITE_OPENAPI=1 the served
/// document is written over the committed one first (then run `npm run gen:api` in src/Ciro.Web/ClientApp).
/// </summary>
public static class CommittedOpenApiDocument
{
    /// <summary>Null when <paramref name="servedJson"/> equals the committed <paramref name="relativePath"/>; otherwise
    /// what differs and the command that regenerates it (<paramref name="testProject"/> holds the check).</summary>
    public static async Task<string?> DifferenceAsync(string servedJson, string relativePath, string testProject)
    {
        var served = Normalize(servedJson);
        var path = Path.Combine(TestData.RepoRoot, relativePath);
        var regenerate = $"CIRO_WRITE_OPENAPI=1 dotnet test {testProject} --filter OpenApiDocumentTests, then `npm run gen:api` in src/Ciro.Web/ClientApp";
        if (Environment.GetEnvironmentVariable("CIRO_WRITE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }
        if (!File.Exists(path))
        {
            return $"{path} is missing; write it with {regenerate}.";
        }
        return await File.ReadAllTextAsync(path) == served ? null : $"{relativePath} differs from what the service serves. Regenerate it with {regenerate}.";
    }

    /// <summary>The served document names the host it was asked on ("servers"); the rest is the contract.</summary>
    private static string Normalize(string json)
    {
        var document = JsonNode.Parse(json)!.AsObject();
        document.Remove("servers");
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
