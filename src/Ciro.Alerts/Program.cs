using Ciro.Alerts.Apis;
using Ciro.Alerts.Extensions;
using Ciro.Alerts.Rules;
using Ciro.Auth;

if (args.Length > 0 && args[0] is "backtest" or "check-rules")
{
    return await RulesCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseProblemJsonErrors();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi().RequireRole(Roles.Viewer);
app.MapDefaultEndpoints();
app.MapIncidentsApi();
app.MapSilencesApi();
app.MapEscalationPoliciesApi();
app.MapRulesApi();

await app.RunAsync();
return 0;

/// <summary>Marker for WebApplicationFactory in tests.</summary>
public partial class Program;
