using Ciro.Analytics.Apis;
using Ciro.Analytics.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapActivityApi();
app.MapBlocksApi();
app.MapEventsApi();

app.Run();

/// <summary>Marker for WebApplicationFactory in tests (several projects have a Program).</summary>
public partial class Program;
