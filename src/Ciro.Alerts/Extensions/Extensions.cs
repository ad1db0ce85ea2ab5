using Ciro.Alerts.Delivery;
using Ciro.Alerts.Incidents;
using Ciro.Alerts.Notifiers;
using Ciro.Alerts.Rules;
using Ciro.Auth;
using Ciro.Mail;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Ciro.Alerts.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("ciro");
        builder.Services.AddProblemDetails();
        // A malformed JSON body is the caller's fault: 400 ProblemDetails in every environment (Development throws it
        // to the exception handler, which would otherwise answer 500).
        builder.Services.Configure<ExceptionHandlerOptions>(o => o.StatusCodeSelector = ex =>
            ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        // The dashboard's alert types are generated from this document (ClientApp/openapi/alerts.json).
        builder.Services.AddOpenApi();
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
        builder.Services.AddOptions<DiscordOptions>()
            .BindConfiguration(DiscordOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IAlertNotifier, DiscordNotifier>();
        builder.Services.AddOptions<TelegramOptions>()
            .BindConfiguration(TelegramOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IAlertNotifier, TelegramNotifier>();
        builder.Services.AddSingleton<AlertsMetrics>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddOptions<RoutingOptions>()
            .BindConfiguration(RoutingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AlertRouter>();
        builder.Services.AddSingleton<ChannelGuards>();
        builder.Services.AddSingleton<DeliveryMetrics>();
        builder.Services.AddSingleton<NotificationOutbox>();
        builder.Services.AddOptions<IncidentOptions>()
            .BindConfiguration(IncidentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AlertGroups>();
        builder.Services.AddSingleton<EscalationPolicies>();
        builder.Services.AddSingleton<IncidentStore>();
        builder.Services.AddSingleton<SilenceStore>();
        // The same keys, roles and optional JWT as Ciro.Analytics, but never anonymous: incidents and silences are
        // operational data, and acting on them needs a name for the audit trail.
        builder.AddCiroAuth();
        builder.Services.PostConfigure<AuthOptions>(o => o.AllowAnonymousViewer = false);
        builder.Services.AddHostedService<NotificationDispatcher>();
        builder.AddAlertRules();
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
        var sweep = builder.Configuration.GetSection(IncidentOptions.SectionName).Get<IncidentOptions>()?.EscalationSweepInterval ?? TimeSpan.FromSeconds(5);
        builder.Services.AddQuartz(q =>
        {
            var key = new JobKey("evaluate-rules");
            q.AddJob<RuleEvaluationJob>(j => j.WithIdentity(key));
            q.AddTrigger(t => t.ForJob(key).StartNow().WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()));
            var escalations = new JobKey("escalations");
            q.AddJob<EscalationJob>(j => j.WithIdentity(escalations));
            // After a pause (a restart, a clock jump) the sweep runs at once rather than at the next interval.
            q.AddTrigger(t => t.ForJob(escalations).StartNow()
                .WithSimpleSchedule(s => s.WithInterval(sweep).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)));
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }
}
