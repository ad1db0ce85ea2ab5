using Ciro.Alerts.Apis;
using Ciro.Alerts.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseProblemJsonErrors();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapIncidentsApi();
app.MapSilencesApi();

app.Run();

/// <summary>Marker for WebApplicationFactory in tests.</summary>
public partial class Program;
