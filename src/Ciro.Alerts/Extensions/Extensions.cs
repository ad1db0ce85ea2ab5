using Ciro.Alerts.Delivery;
using Ciro.Alerts.Incidents;
using Ciro.Alerts.Notifiers;
using Ciro.Alerts.Rules;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Ciro.Alerts.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("ciro");
        builder.Services.AddProblemDetails();
        builder.Services.AddOptions<AlertsOptions>()
            .BindConfiguration(AlertsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOptions<DeliveryOptions>()
            .BindConfiguration(DeliveryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddSingleton(SmtpEndpoint.Parse(builder.Configuration.GetConnectionString("mail")));
        builder.Services.AddSingleton<IAlertNotifier, EmailNotifier>();
        builder.Services.AddOptions<WebhookOptions>()
            .BindConfiguration(WebhookOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IAlertNotifier, WebhookNotifier>();
        builder.Services.AddSingleton<AlertsMetrics>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<NotificationOutbox>();
        builder.Services.AddSingleton<IncidentStore>();
        builder.Services.AddHostedService<NotificationDispatcher>();
        var analyticsKey = builder.Configuration["Ciro:AnalyticsApiKey"];
        builder.Services.AddHttpClient<AnalyticsReader>(c =>
        {
            c.BaseAddress = new Uri(builder.Configuration["Ciro:AnalyticsUrl"] ?? "http://analytics");
            if (!string.IsNullOrEmpty(analyticsKey))
            {
                c.DefaultRequestHeaders.Add("X-Api-Key", analyticsKey);
            }
        });

        var interval = builder.Configuration.GetSection(AlertsOptions.SectionName).Get<AlertsOptions>()?.EvaluationInterval ?? TimeSpan.FromSeconds(15);
        builder.Services.AddQuartz(q =>
        {
            var key = new JobKey("evaluate-rules");
            q.AddJob<RuleEvaluationJob>(j => j.WithIdentity(key));
            q.AddTrigger(t => t.ForJob(key).StartNow().WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()));
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }
}
