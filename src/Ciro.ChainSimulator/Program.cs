using Ciro.ChainSimulator;
using Ciro.ChainSimulator.Apis;
using Ciro.ChainSimulator.Extensions;
using Ciro.ChainSimulator.Rpc;
using Ciro.ChainSimulator.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChainSimulator();

var app = builder.Build();

app.UseWebSockets();
app.UseProblemJsonErrors();
app.MapDefaultEndpoints();
app.MapStarknetRpc();
app.MapStarknetWebSocket();
if (app.Services.GetRequiredService<SimulatorOptions>().Admin.Enabled)
{
    app.MapAdminApi();
}

app.Run();

/// <summary>Entry point type for WebApplicationFactory in the tests.</summary>
public partial class Program;
