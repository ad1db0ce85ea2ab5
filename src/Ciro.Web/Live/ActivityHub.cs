using Microsoft.AspNetCore.SignalR;

namespace Ciro.Web.Live;

/// <summary>Server → browser: "jobsActivity" and every message of <see cref="Ciro.Messages.MessageChannels"/> under
/// its hub method. A new connection gets the current activity at once, so the page does not wait for the next
/// block.</summary>
public sealed class ActivityHub(AnalyticsClient analytics, LiveMetrics metrics, ILogger<ActivityHub> logger) : Hub
{
    public override async Task OnConnectedAsync()
    {
        metrics.Connected();
        try
        {
            var activity = await analytics.GetJobsActivityAsync(LiveActivityPublisher.DefaultMinutes, Context.ConnectionAborted);
            if (activity is not null)
            {
                await Clients.Caller.SendAsync(LiveActivityPublisher.JobsActivityMethod, activity.Value, Context.ConnectionAborted);
            }
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "Could not send the initial jobs activity to a new dashboard connection");
        }
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        metrics.Disconnected();
        return base.OnDisconnectedAsync(exception);
    }
}
