using Ciro.Alerts.Incidents;
using Ciro.Alerts.Tests.Receivers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ciro.Alerts.Tests;

/// <summary>The timeout of one delivery attempt is real time spent on the network, not service time: the service clock
/// jumping while a send is in flight (here a fake clock moved an hour) neither cancels the send nor makes a retry
/// deliver a second copy.</summary>
[Collection(AlertsCollection.Name)]
public sealed class AttemptTimeoutTests(AlertsFixture fixture)
{
    [Fact]
    public async Task A_clock_jump_during_an_attempt_neither_cancels_it_nor_sends_it_twice()
    {
        await using var receiver = new HeldReceiver();
        await using var database = await fixture.NewDatabaseAsync();
        await using var analytics = fixture.App(database);
        await using var smtp = new SmtpCatcher();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var alerts = fixture.Started(database, analytics, smtp, clock,
            ("Alerts:Webhooks:0:Name", "ops-hook"), ("Alerts:Webhooks:0:Url", receiver.Url), ("Alerts:Webhooks:0:Secret", "whsec-held"));
        var store = alerts.Services.GetRequiredService<IncidentStore>();

        await store.OpenOrRepeatAsync(Signals.Of("gas-spike", Messages.IncidentSeverity.Critical, "L2 gas per call 9x baseline"), default);
        await receiver.Arrived.Task.WaitAsync(OutboxClock.Wait);
        // An hour of service time passes while the receiver holds the request (the attempt timeout is 30 s).
        clock.Advance(TimeSpan.FromHours(1));
        await Task.Delay(TimeSpan.FromSeconds(1));
        receiver.Release.TrySetResult();

        await OutboxClock.WaitUntilAsync(async () =>
            await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where channel = 'webhook'") == 1, database);
        // Later retries (if the attempt had been cancelled) would come within a minute of backoff.
        await OutboxClock.AdvanceAsync(clock, database, TimeSpan.FromMinutes(1));

        Assert.Equal(1, Assert.Single(receiver.AcceptedByKey).Value);
        Assert.Equal([1L, 1L], await OutboxClock.ScalarsAsync(database,
            "select attempts from alerts.deliveries where channel = 'webhook' and succeeded union all select attempts from alerts.notifications where channel = 'webhook' and state = 'delivered'"));
        Assert.Equal(1L, await OutboxClock.ScalarAsync(database, "select count(*) from alerts.deliveries where channel = 'webhook'"));
    }

    /// <summary>A webhook receiver that holds every request until <see cref="Release"/> completes, then accepts it.</summary>
    private sealed class HeldReceiver : LoopbackReceiver
    {
        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Url => $"{BaseUrl}/hook";

        protected override void Map(IEndpointRouteBuilder routes) =>
            routes.MapPost("/hook", async (HttpRequest request) =>
            {
                Arrived.TrySetResult();
                await Release.Task;
                Accept(request.Headers["X-Ciro-Idempotency-Key"].ToString());
                return Results.Ok();
            });
    }
}
