using System.ComponentModel.DataAnnotations;
using Quartz;

namespace Ciro.Analytics.Reports;

/// <summary>Periodic reports (section <see cref="SectionName"/>), validated at start with messages naming the key and
/// the value.</summary>
public sealed class ReportOptions : IValidatableObject
{
    public const string SectionName = "Ciro:Reports";

    /// <summary>Off: no schedule runs (the archive and its API stay readable).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quartz cron (seconds first) of the weekly report, in <see cref="TimeZone"/>. Each run reports the last
    /// whole week (Monday 00:00 to Monday 00:00 UTC) before its scheduled time. Default: Mondays 06:00.</summary>
    public string Schedule { get; set; } = "0 0 6 ? * MON";

    /// <summary>Time zone of <see cref="Schedule"/> (IANA id).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>A run later than its scheduled time by more than this (the service was down) is a misfire: it runs
    /// once at restart, whatever the number of runs missed.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sender of the report email; the SMTP server is ConnectionStrings:mail.</summary>
    public string From { get; set; } = "ciro-reports@localhost";

    /// <summary>Recipients (one email each); none: the report is archived only. <c>To:0</c>, <c>To:1</c>…</summary>
    public List<string> To { get; set; } = [];

    /// <summary>The headless Chromium that prints the PDF (Debian's package; never a downloaded browser).</summary>
    public string ChromiumPath { get; set; } = "/usr/bin/chromium";

    /// <summary>Longest a PDF rendering may take before the browser is killed and the run fails (Quartz retries it at
    /// the next fire; the period's row is not written until it succeeds).</summary>
    public TimeSpan RenderTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Rows of the top gas consumers and of the worker leaderboard.</summary>
    public int TopRows { get; set; } = 10;

    /// <summary>Dashboard base URL the email links to.</summary>
    public string DashboardUrl { get; set; } = "http://localhost:8080";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!CronExpression.TryParse(Schedule, out _))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(Schedule)} = '{Schedule}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. '0 0 6 ? * MON').",
                [nameof(Schedule)]);
        }
        TimeZoneInfo? zone = null;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
        }
        if (zone is null)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(TimeZone)} = '{TimeZone}' is not a known time zone id.", [nameof(TimeZone)]);
        }
        if (MisfireThreshold < TimeSpan.FromSeconds(1) || MisfireThreshold > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(MisfireThreshold)} = {MisfireThreshold} must be between 00:00:01 and 1.00:00:00.", [nameof(MisfireThreshold)]);
        }
        if (RenderTimeout < TimeSpan.FromSeconds(5) || RenderTimeout > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(RenderTimeout)} = {RenderTimeout} must be between 00:00:05 and 01:00:00.", [nameof(RenderTimeout)]);
        }
        if (TopRows is < 1 or > 1000)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(TopRows)} = {TopRows} must be between 1 and 1000.", [nameof(TopRows)]);
        }
        foreach (var (address, i) in To.Select((a, i) => (a, i)).Where(a => !MimeKit.MailboxAddress.TryParse(a.a, out _)))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(To)}:{i} = '{address}' is not an email address.", [nameof(To)]);
        }
        if (!MimeKit.MailboxAddress.TryParse(From, out _))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(From)} = '{From}' is not an email address.", [nameof(From)]);
        }
        if (Enabled && !File.Exists(ChromiumPath))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ChromiumPath)} = '{ChromiumPath}' does not exist: install Debian's chromium (scripts/setup.sh) or turn reports off ({SectionName}:{nameof(Enabled)}=false).",
                [nameof(ChromiumPath)]);
        }
    }
}
