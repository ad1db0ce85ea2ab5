using CiroAspire.AppHost;
using CiroAspire.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);
var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
var dataRoot = builder.Configuration["Ciro:DataDirectory"] ?? Path.Combine(repoRoot, ".data");
// Publishing (the Azure Container Apps manifest) describes the container deployment; nothing starts locally.
var mode = InfrastructureModeDetector.Detect(builder.Configuration, builder.ExecutionContext.IsPublishMode, out var modeReason);
Console.WriteLine($"Ciro infrastructure: {mode} ({modeReason})");

// Infrastructure: each piece is external (a connection string), a container, or a local process.
var db = builder.AddCiroDatabase(mode, dataRoot);
var cache = builder.AddCiroCache(mode);
var mail = builder.AddCiroMail(mode, repoRoot);
var chain = builder.AddCiroChain(mode);

// Services
var indexer = builder.AddProject<Projects.Ciro_Indexer>("indexer")
    .WithCiroDefaults()
    .WithReference(db).WaitFor(db)
    .WithStarknetRpc(chain)
    .WithHttpHealthCheck("/health")
    .WithForwardedConfiguration("Indexer")
    .WithReindexCommand();

var analytics = builder.AddProject<Projects.Ciro_Analytics>("analytics")
    .WithCiroDefaults()
    .WithReference(db).WaitFor(db)
    .WithReference(cache).WaitFor(cache)
    .WaitFor(indexer)
    .WithHttpHealthCheck("/health");

var alerts = builder.AddProject<Projects.Ciro_Alerts>("alerts")
    .WithCiroDefaults()
    .WithReference(db).WaitFor(db)
    .WithReference(mail).WaitFor(mail)
    .WithReference(analytics).WaitFor(analytics)
    .WithHttpHealthCheck("/health")
    .WithForwardedConfiguration("Alerts");

// Apps
builder.AddProject<Projects.Ciro_Web>("web", launchProfileName: null)
    .WithCiroDefaults(httpPort: builder.Configuration.GetWebPort())
    .WithExternalHttpEndpoints()
    .WithReference(cache).WaitFor(cache)
    .WithReference(analytics).WaitFor(analytics)
    .WithReference(alerts)
    .WithHttpHealthCheck("/health")
    .PrintDashboardAddress();

builder.Build().Run();
