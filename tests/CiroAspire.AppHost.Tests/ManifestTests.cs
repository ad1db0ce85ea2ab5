using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CiroAspire.AppHost.Tests;

/// <summary>The Azure Container Apps path: `--publisher manifest` writes the production shape (README "Deploying
/// to Azure Container Apps"): a real node, a real mail relay and the stores as parameters, nothing from the dev loop.</summary>
public sealed partial class ManifestTests
{
    private static readonly string[] Services = ["indexer", "analytics", "alerts", "web"];

    private static readonly string[] SecretParameters =
    [
        "ciro", "ciro-indexer", "ciro-analytics", "ciro-alerts", "cache", "mail", "starknet-rpc-url", "starknet-ws-url", "analytics-admin-key", "analytics-viewer-key", "analytics-operator-key",
        "web-admin-password-hash",
        "alerts-discord-webhook-url", "alerts-telegram-bot-token", "alerts-webhook-url", "alerts-webhook-signing-secret",
    ];

    [Fact]
    public async Task The_default_manifest_is_the_production_shape_with_managed_stores()
    {
        var (resources, _) = await PublishAsync();

        // Exactly these resources: the four services and their parameters. No simulator, devnet, smtp4dev,
        // and no database or cache container (managed services by default).
        string[] expected = [.. Services, .. SecretParameters, "alerts-telegram-chat-id"];
        Assert.Equal(expected.Order(), resources.EnumerateObject().Select(r => r.Name).Order());
        foreach (var service in Services)
        {
            Assert.Equal("project.v0", resources.GetProperty(service).GetProperty("type").GetString());
        }
        foreach (var store in new[] { "ciro", "ciro-indexer", "ciro-analytics", "ciro-alerts", "cache", "mail" })
        {
            var resource = resources.GetProperty(store);
            Assert.Equal("parameter.v0", resource.GetProperty("type").GetString());
            Assert.Equal($"{{{store}.value}}", resource.GetProperty("connectionString").GetString());
        }
    }

    [Fact]
    public async Task The_node_the_mail_relay_and_the_alert_channels_are_parameters_and_secrets_are_secure()
    {
        var (resources, _) = await PublishAsync();
        var indexer = Env(resources, "indexer");
        Assert.Equal("{starknet-rpc-url.value}", indexer["Starknet__RpcUrl"]);
        Assert.Equal("{starknet-ws-url.value}", indexer["Starknet__WebSocketUrl"]);
        var alerts = Env(resources, "alerts");
        Assert.Equal("{mail.connectionString}", alerts["ConnectionStrings__mail"]);
        Assert.Equal("{alerts-discord-webhook-url.value}", alerts["Alerts__Discord__Webhooks__0__Url"]);
        Assert.Equal("{alerts-telegram-bot-token.value}", alerts["Alerts__Telegram__BotToken"]);
        Assert.Equal("{alerts-telegram-chat-id.value}", alerts["Alerts__Telegram__ChatIds__0"]);
        Assert.Equal("{alerts-webhook-url.value}", alerts["Alerts__Webhooks__0__Url"]);
        Assert.Equal("{alerts-webhook-signing-secret.value}", alerts["Alerts__Webhooks__0__Secret"]);
        Assert.Equal("{analytics-viewer-key.value}", Env(resources, "web")["Ciro__AnalyticsApiKey"]);
        Assert.Equal("{analytics-operator-key.value}", Env(resources, "web")["Ciro__Web__OperatorApiKey"]);
        Assert.Equal("{web-admin-password-hash.value}", Env(resources, "web")["Ciro__Web__Users__admin__PasswordHash"]);
        // The SDK's container images have no Chromium: what prints PDFs starts turned off rather than failing its start.
        Assert.Equal("false", Env(resources, "analytics")["Ciro__Reports__Enabled"]);
        Assert.Equal("false", Env(resources, "web")["Ciro__Web__PdfExport__Enabled"]);

        // Each service connects as its own database role; the owner's connection string goes to the indexer's
        // migrations only, and the web has none.
        Assert.Equal("{ciro-indexer.connectionString}", indexer["ConnectionStrings__ciro"]);
        Assert.Equal("{ciro.connectionString}", indexer["ConnectionStrings__ciro-owner"]);
        Assert.Equal("{ciro-analytics.connectionString}", Env(resources, "analytics")["ConnectionStrings__ciro"]);
        Assert.Equal("{ciro-alerts.connectionString}", alerts["ConnectionStrings__ciro"]);
        Assert.Equal(["ConnectionStrings__ciro-owner"], Services.SelectMany(s => Env(resources, s).Keys).Where(k => k.EndsWith("-owner", StringComparison.Ordinal)));
        Assert.DoesNotContain(Env(resources, "web").Keys, k => k.StartsWith("ConnectionStrings__ciro", StringComparison.Ordinal));

        // Secure parameters (azd turns every reference to one into a Container Apps secret + secretRef). The node
        // URLs, relay and channels have no default: a deployment must supply them.
        foreach (var name in SecretParameters)
        {
            var input = resources.GetProperty(name).GetProperty("inputs").GetProperty("value");
            Assert.True(input.TryGetProperty("secret", out var secret) && secret.GetBoolean(), $"parameter '{name}' is not secret");
            if (!name.StartsWith("analytics-", StringComparison.Ordinal))
            {
                Assert.False(input.TryGetProperty("default", out _), $"parameter '{name}' has a default");
            }
        }

        // Every environment value that carries a credential is a reference to a secret parameter or a connection
        // string, never a literal.
        foreach (var service in Services)
        {
            foreach (var (key, value) in Env(resources, service).Where(e => CredentialKey().IsMatch(e.Key)))
            {
                var reference = SingleReference().Match(value);
                Assert.True(reference.Success, $"{service}: {key} = '{value}' is not a single reference");
                var target = reference.Groups["resource"].Value;
                Assert.True(reference.Groups["property"].Value == "connectionString" || SecretParameters.Contains(target),
                    $"{service}: {key} refers to '{target}', which is not a secret parameter");
            }
        }
    }

    [Fact]
    public async Task Only_the_web_has_external_ingress()
    {
        var (resources, _) = await PublishAsync("--Ciro:Deploy:Database=container", "--Ciro:Deploy:Cache=container");
        var external = new List<string>();
        foreach (var resource in resources.EnumerateObject())
        {
            if (!resource.Value.TryGetProperty("bindings", out var bindings))
            {
                continue;
            }
            foreach (var binding in bindings.EnumerateObject())
            {
                if (binding.Value.TryGetProperty("external", out var flag) && flag.GetBoolean())
                {
                    external.Add($"{resource.Name}.{binding.Name}");
                }
            }
        }
        Assert.Equal(["web.http"], external);
        // ACA's ingress serves http on 80/443; a fixed dev port (8080) does not belong in the deployment.
        Assert.False(resources.GetProperty("web").GetProperty("bindings").GetProperty("http").TryGetProperty("port", out _));
    }

    [Fact]
    public async Task Store_containers_have_pinned_images_and_volumes_and_no_copies_of_their_passwords()
    {
        var (resources, _) = await PublishAsync("--Ciro:Deploy:Database=container", "--Ciro:Deploy:Cache=container");
        var containers = resources.EnumerateObject().Where(r => r.Value.GetProperty("type").GetString()!.StartsWith("container.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["cache", "postgres"], containers.Select(c => c.Name).Order());
        foreach (var container in containers)
        {
            var image = container.Value.GetProperty("image").GetString()!;
            Assert.Matches(PinnedTag(), image);
            Assert.DoesNotContain("latest", image, StringComparison.OrdinalIgnoreCase);
            Assert.Single(container.Value.GetProperty("volumes").EnumerateArray());
        }
        Assert.Contains("timescale/timescaledb:", containers.Single(c => c.Name == "postgres").Value.GetProperty("image").GetString());
        Assert.Equal("{postgres.connectionString};Database=ciro", resources.GetProperty("ciro").GetProperty("connectionString").GetString());
        // WithReference's per-part variables (CIRO_PASSWORD, CIRO_URI with a URI-encoded copy) are removed.
        foreach (var service in Services)
        {
            Assert.DoesNotContain(Env(resources, service).Keys, key => key.StartsWith("CIRO_", StringComparison.Ordinal) || key.StartsWith("CACHE_", StringComparison.Ordinal));
        }
        Assert.False(resources.TryGetProperty("postgres-password-uri-encoded", out _));
    }

    [Fact]
    public async Task No_secret_value_from_the_publishing_machine_reaches_the_manifest()
    {
        // Values a publisher might have in user secrets or on the command line: none may be copied in.
        var sentinels = Enumerable.Range(0, 7).Select(i => $"sentinel{i}{Guid.NewGuid():N}").ToArray();
        var (_, text) = await PublishAsync(
            $"--Parameters:analytics-viewer-key={sentinels[0]}",
            $"--Parameters:analytics-admin-key={sentinels[1]}",
            $"--ConnectionStrings:ciro=Host=db;Username=ciro;Password={sentinels[2]}",
            $"--ConnectionStrings:mail=smtp://{sentinels[3]}:25",
            $"--Parameters:starknet-rpc-url=https://node.example/{sentinels[4]}",
            $"--Starknet:RpcUrl=https://node.example/{sentinels[5]}",
            $"--Alerts:Discord:Webhooks:0:Url=https://discord.example/{sentinels[6]}");
        foreach (var sentinel in sentinels)
        {
            Assert.DoesNotContain(sentinel, text, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> Env(JsonElement resources, string service) =>
        resources.GetProperty(service).GetProperty("env").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    private static async Task<(JsonElement Resources, string Text)> PublishAsync(params string[] extraArgs)
    {
        var appHostDll = Path.Combine(AppContext.BaseDirectory, "CiroAspire.AppHost.dll");
        Assert.True(File.Exists(appHostDll), $"AppHost assembly not found at {appHostDll}");
        var folder = Path.Combine(Path.GetTempPath(), $"ciro-manifest-{Guid.NewGuid():N}");
        var output = Path.Combine(folder, "aspire-manifest.json");
        try
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            foreach (var arg in new[] { appHostDll, "--publisher", "manifest", "--output-path", output }.Concat(extraArgs))
            {
                info.ArgumentList.Add(arg);
            }
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"manifest publishing exited {process.ExitCode}: {await stdout} {await stderr}");
            var text = await File.ReadAllTextAsync(output);
            using var manifest = JsonDocument.Parse(text);
            return (manifest.RootElement.GetProperty("resources").Clone(), text);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [GeneratedRegex(@"((Key|Password|PasswordHash|Token|Secret|WebhookUrl|Webhook__Url|RpcUrl|WebSocketUrl)$|^ConnectionStrings__)", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialKey();

    [GeneratedRegex(@"^\{(?<resource>[a-z0-9-]+)\.(?<property>value|connectionString)\}$")]
    private static partial Regex SingleReference();

    // A full version in the tag (major.minor.patch), e.g. redis:7.4.2, timescaledb:2.17.2-pg17.
    [GeneratedRegex(@":\d+\.\d+\.\d+(-[a-z0-9]+)?$")]
    private static partial Regex PinnedTag();
}
