using System.Security.Cryptography;
using System.Text;
using Ciro.Mail;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace Ciro.Analytics.Reports;

/// <summary>Mails archived reports to <see cref="ReportOptions.To"/> through ConnectionStrings:mail (the same SMTP
/// sender as the alerts' email channel), one message per recipient with the PDF, CSV and JSON attached. Who got a
/// report is stored with it (email_recipients); a recipient whose send failed is tried again on the next run, with
/// the same Message-Id. The row is locked while it is mailed (SKIP LOCKED), so two replicas never mail one report.</summary>
public sealed class ReportMailer(
    NpgsqlDataSource dataSource, IConfiguration configuration, IOptions<ReportOptions> options, ReportMetrics metrics, ILogger<ReportMailer> logger)
{
    private readonly SmtpEndpoint? smtp = configuration.GetConnectionString("mail") is { Length: > 0 } mail ? SmtpEndpoint.Parse(mail) : null;

    /// <summary>Mails every archived report still owed to a configured recipient; returns the emails sent.</summary>
    public async Task<int> SendOwedAsync(CancellationToken ct)
    {
        var recipients = options.Value.To;
        if (recipients.Count == 0)
        {
            return 0;
        }
        if (smtp is null)
        {
            logger.LogWarning("Reports have recipients ({Section}:To) but ConnectionStrings:mail is not set: no report is mailed", ReportOptions.SectionName);
            return 0;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var select = new NpgsqlCommand("""
            select id, period_start, content::text, csv, pdf, email_recipients from reports.reports
            where not (email_recipients @> $1) order by period_start for update skip locked
            """, connection, tx);
        select.Parameters.AddWithValue(recipients.ToArray());
        var owed = new List<(Guid Id, DateTimeOffset Start, string Json, string Csv, byte[] Pdf, string[] Done)>();
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                owed.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<byte[]>(4), reader.GetFieldValue<string[]>(5)));
            }
        }
        var sent = 0;
        foreach (var report in owed)
        {
            var done = report.Done.ToList();
            string? error = null;
            foreach (var recipient in recipients.Except(done))
            {
                try
                {
                    await smtp.SendAsync(Message(report.Id, report.Start, report.Json, report.Csv, report.Pdf, recipient), ct);
                    done.Add(recipient);
                    sent++;
                    metrics.EmailsSent.Add(1);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    error = $"{recipient}: {e.Message}";
                    metrics.EmailFailures.Add(1);
                    logger.LogWarning(e, "Mailing report {ReportId} to {Recipient} failed; it is tried again on the next run", report.Id, recipient);
                }
            }
            await using var update = new NpgsqlCommand("""
                update reports.reports set email_recipients = $2, email_error = $3,
                  emailed_at = case when $3::text is null then now() else emailed_at end
                where id = $1
                """, connection, tx);
            update.Parameters.AddWithValue(report.Id);
            update.Parameters.AddWithValue(done.ToArray());
            update.Parameters.AddWithValue(error is null ? DBNull.Value : error);
            await update.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return sent;
    }

    private MimeMessage Message(Guid id, DateTimeOffset periodStart, string json, string csv, byte[] pdf, string recipient)
    {
        var report = System.Text.Json.JsonSerializer.Deserialize<WeeklyReport>(json, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        var email = new MimeMessage();
        email.From.Add(MailboxAddress.Parse(options.Value.From));
        email.To.Add(MailboxAddress.Parse(recipient));
        email.Subject = ReportDocuments.Title(report);
        // One Message-Id per report and recipient: a retried send is recognisably the same email.
        email.MessageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{id}/{recipient}")))[..32]}@ciro-reports";
        email.Headers.Add("X-Ciro-Report", id.ToString());
        var body = new StringBuilder()
            .AppendLine(ReportDocuments.Title(report)).AppendLine()
            .AppendLine("Week over week:");
        foreach (var kpi in report.Kpis)
        {
            body.AppendLine($"  {kpi.Name}: {ReportDocuments.Value(kpi.ThisWeek)} {kpi.Unit} ({ReportDocuments.ChangeText(kpi.Change)})");
        }
        body.AppendLine()
            .AppendLine($"Incidents: {report.Incidents.Opened}, MTTA {ReportDocuments.Duration(report.Incidents.MeanTimeToAcknowledgeSeconds)}, MTTR {ReportDocuments.Duration(report.Incidents.MeanTimeToResolveSeconds)}.")
            .AppendLine().AppendLine("The full report is attached (PDF, CSV, JSON) and archived in the dashboard:")
            .AppendLine($"{options.Value.DashboardUrl.TrimEnd('/')}/reports");
        var builder = new BodyBuilder { TextBody = body.ToString() };
        builder.Attachments.Add(ReportArchive.FileName(ReportArchive.Weekly, periodStart, "pdf"), pdf, new ContentType("application", "pdf"));
        builder.Attachments.Add(ReportArchive.FileName(ReportArchive.Weekly, periodStart, "csv"), Encoding.UTF8.GetBytes(csv), new ContentType("text", "csv"));
        builder.Attachments.Add(ReportArchive.FileName(ReportArchive.Weekly, periodStart, "json"), Encoding.UTF8.GetBytes(json), new ContentType("application", "json"));
        email.Body = builder.ToMessageBody();
        return email;
    }
}
