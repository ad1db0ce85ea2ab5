using Microsoft.AspNetCore.SignalR;

namespace Ciro.Web.Live;

/// <summary>Server → browser only: "jobsActivity", "blockCommitted" and "reorg" messages.</summary>
public sealed class ActivityHub : Hub;
