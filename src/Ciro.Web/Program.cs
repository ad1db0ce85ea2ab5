using Ciro.Web.Apis;
using Ciro.Web.Extensions;
using Ciro.Web.Live;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseProblemJsonErrors();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapDefaultEndpoints();
app.MapHub<ActivityHub>("/hubs/activity");
app.MapBackendProxy();
// Client-side routes get the app; unknown hub paths get a 404 rather than the page.
app.MapFallback("/hubs/{**rest}", () => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such hub"));
app.MapFallbackToFile("index.html");

app.Run();

/// <summary>Marker for WebApplicationFactory in tests.</summary>
public partial class Program;
