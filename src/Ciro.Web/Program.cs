using Ciro.Web.Apis;
using Ciro.Web.Extensions;
using Ciro.Web.Live;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapDefaultEndpoints();
app.MapHub<ActivityHub>("/hubs/activity");
app.MapBackendProxy();
app.MapFallbackToFile("index.html");

app.Run();

/// <summary>Marker for WebApplicationFactory in tests.</summary>
public partial class Program;
