using CiroAspire.AppHost;
using CiroAspire.AppHost.Deployment;
using CiroAspire.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);
var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
var dataRoot = builder.Configuration["Ciro:DataDirectory"] ?? Path.Combine(repoRoot, ".data");
// Publishing (the Azure Container Apps manifest) describes the container deployment; nothing starts locally.
var mode = InfrastructureModeDetector.Detect(builder.Configuration, builder.ExecutionContext.IsPublishMode, out var modeReason);
Console.WriteLine($"Ciro infrastructure: {mode} ({modeReason})");

// Infrastructure: each piece is external (a connection string), a container, or a local process. The production
// shape (publishing, or Ciro:Shape=production) takes the node, mail relay and stores as parameters (Deployment/).
// Each service connects to the database as its own role (Infrastructure/CiroDatabase.cs).
var production = builder.IsProductionShape();
var db = production ? builder.AddProductionDatabase() : builder.AddCiroDatabase(mode, dataRoot);
var cache = production ? builder.AddProductionCache() : builder.AddCiroCache(mode);
var mail = production ? builder.AddProductionMail() : builder.AddCiroMail(mode, repoRoot);
var chain = production ? null : builder.AddCiroChain(mode, dataRoot);

// Access to the analytics API: an admin key for operators (kept in the AppHost's user secrets, shown as a
// parameter in the Aspire dashboard) and a viewer key the dashboard and the alerts service read with.
var adminKey = builder.AddParameter("analytics-admin-key", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
var viewerKey = builder.AddParameter("analytics-viewer-key", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
// The web tier forwards a signed-in operator's (or admin's) actions with this operator key, a viewer's reads with the
// viewer key; it holds no admin key (Ciro.Web/Apis/BackendProxy.cs).
var operatorKey = builder.AddParameter("analytics-operator-key", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);

// Services
var indexer = builder.AddProject<Projects.Ciro_Indexer>("indexer")
    .WithCiroDefaults()
    .WithDatabase(db, db.Indexer)
    .WithSchemaOwner(db)
    .WithStarknetRpc(chain)
    // Its admin routes (reindex, status) take the same keys as analytics; the dashboard commands use the admin key.
    .WithEnvironment("Ciro__Auth__BootstrapAdminKey", adminKey)
    .WithHttpHealthCheck("/health")
    .WithHaltReport(adminKey)
    .WithForwardedConfiguration("Indexer")
    .WithReindexCommand(adminKey);

var analytics = builder.AddProject<Projects.Ciro_Analytics>("analytics")
    .WithCiroDefaults()
    .WithDatabase(db, db.Analytics)
    .WithReference(cache).WaitFor(cache)
    // Started, not healthy: a halted indexer (another chain, a reorg too deep) is unhealthy from its first check,
    // and the dashboard banner and the pipeline-stalled incident must still come up to say so. Analytics waits for
    // the indexer's migrations itself (its schema check).
    .WaitForStart(indexer)
    .WithEnvironment("Ciro__Auth__BootstrapAdminKey", adminKey)
    .WithEnvironment("Ciro__Auth__ServiceKeys__services__Key", viewerKey)
    .WithEnvironment("Ciro__Auth__ServiceKeys__services__Role", "viewer")
    .WithEnvironment("Ciro__Auth__ServiceKeys__weboperator__Key", operatorKey)
    .WithEnvironment("Ciro__Auth__ServiceKeys__weboperator__Role", "operator")
    // The alerts service reads with the viewer service key for itself; a 429 would be a missed rule evaluation.
    // The dashboard's requests with that key name their user and stay limited per user.
    .WithEnvironment("Ciro__Analytics__RateLimitExemptServiceKeys__0", "services")
    .WithHttpHealthCheck("/health");

var alerts = builder.AddProject<Projects.Ciro_Alerts>("alerts")
    .WithCiroDefaults()
    .WithDatabase(db, db.Alerts)
    .WithReference(mail).WaitFor(mail)
    .WithReference(analytics).WaitFor(analytics)
    .WithEnvironment("Ciro__AnalyticsApiKey", viewerKey)
    // Its incidents API takes the same keys as analytics (stored keys are shared through the database).
    .WithEnvironment("Ciro__Auth__BootstrapAdminKey", adminKey)
    .WithEnvironment("Ciro__Auth__ServiceKeys__services__Key", viewerKey)
    .WithEnvironment("Ciro__Auth__ServiceKeys__services__Role", "viewer")
    .WithEnvironment("Ciro__Auth__ServiceKeys__weboperator__Key", operatorKey)
    .WithEnvironment("Ciro__Auth__ServiceKeys__weboperator__Role", "operator")
    .WithHttpHealthCheck("/health")
    .WithForwardedConfiguration("Alerts");

// Apps
var web = builder.AddProject<Projects.Ciro_Web>("web", launchProfileName: null)
    .WithCiroDefaults(httpPort: builder.ExecutionContext.IsPublishMode ? null : builder.Configuration.GetWebPort())
    .WithExternalHttpEndpoints()
    .WithReference(cache).WaitFor(cache)
    .WithReference(analytics).WaitFor(analytics)
    .WithReference(alerts)
    .WithEnvironment("Ciro__AnalyticsApiKey", viewerKey)
    .WithEnvironment("Ciro__Web__OperatorApiKey", operatorKey)
    .WithDashboardAdmin(production, dataRoot)
    .WithHttpHealthCheck("/health")
    .PrintDashboardAddress();

if (production)
{
    indexer.WithStarknetNodeParameters().WithProductionScale();
    analytics.WithProductionScale();
    alerts.WithAlertChannelParameters().WithProductionScale();
    web.WithProductionScale();
}
if (builder.ExecutionContext.IsPublishMode)
{
    // The .NET SDK's container images carry no browser: the weekly report and the dashboard's PDF export print with
    // Chromium, so the published services start with both off (README "Deploying to Azure Container Apps").
    analytics.WithEnvironment("Ciro__Reports__Enabled", "false");
    web.WithEnvironment("Ciro__Web__PdfExport__Enabled", "false");
}

builder.Build().Run();
