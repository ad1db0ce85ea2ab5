using Ciro.Web.Apis;
using Ciro.Web.Auth;
using Ciro.Web.Exports;
using Ciro.Web.Extensions;
using Ciro.Web.Live;

// `dotnet run --project src/Ciro.Web -- hash-password` reads a password on stdin and prints its hash for
// Ciro:Web:Users:<name>:PasswordHash.
if (args is ["hash-password"])
{
    Console.WriteLine(PasswordHash.Create(Console.ReadLine() ?? ""));
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseProblemJsonErrors();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapAuthApi();
app.MapOidcSignIn();
app.MapPdfExportApi();
app.MapHub<ActivityHub>("/hubs/activity").RequireAuthorization();
app.MapBackendProxy();
// Client-side routes get the app; unknown hub paths get a 404 rather than the page.
app.MapFallback("/hubs/{**rest}", () => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such hub"));
app.MapFallbackToFile("index.html");

app.Run();

/// <summary>Marker for WebApplicationFactory in tests.</summary>
public partial class Program;
