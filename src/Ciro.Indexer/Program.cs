using Ciro.Indexer.Apis;
using Ciro.Indexer.Cli;
using Ciro.Indexer.Extensions;

if (args.Length > 0 && args[0] == "backfill")
{
    return await BackfillCommand.RunAsync(args);
}

// Configuration (and the ABIs it names) next to the binary, whatever directory the service is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseProblemJsonErrors();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapAdminApi();

await app.RunAsync();
return 0;

/// <summary>Marker for WebApplicationFactory in tests.</summary>
public partial class Program;
