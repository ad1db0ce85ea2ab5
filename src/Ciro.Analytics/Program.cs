using Ciro.Analytics.Anomalies;
using Ciro.Analytics.Apis;
using Ciro.Analytics.Extensions;
using Ciro.Analytics.Experiments;
using Ciro.Analytics.Onchain;
using Ciro.Analytics.Recommendations;

// Offline backtesting runs the same detector as the service without starting the web host.
if (args is ["detect", ..])
{
    return await DetectCommand.RunAsync(args[1..], Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseProblemJsonErrors();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapActivityApi();
app.MapBlocksApi();
app.MapEventsApi();
app.MapPipelineApi();
app.MapKpiApi();
app.MapOnchainApi();
app.MapClassChangesApi();
app.MapExperimentsApi();
app.MapAnomalyApi();
app.MapRecommendationApi();
app.MapReportsApi();
app.MapAdminApi();

app.Run();
return 0;

/// <summary>Marker for WebApplicationFactory in tests (several projects have a Program).</summary>
public partial class Program;
