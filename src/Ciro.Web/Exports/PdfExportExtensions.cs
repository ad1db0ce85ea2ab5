using Ciro.Printing;
using Microsoft.Extensions.Options;

namespace Ciro.Web.Exports;

public static class PdfExportExtensions
{
    /// <summary>The PDF export: its options (checked at start), tickets, the bound on renderings and the shared renderer.</summary>
    public static void AddPdfExport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PdfExportOptions>().BindConfiguration(PdfExportOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<PrintTickets>();
        builder.Services.AddSingleton<PdfExportGate>();
        builder.Services.AddSingleton<PdfExportMetrics>();
        builder.Services.AddPdfRenderer((pdf, services) =>
        {
            var export = services.GetRequiredService<IOptions<PdfExportOptions>>().Value;
            pdf.ChromiumPath = export.ChromiumPath;
            pdf.RenderTimeout = export.RenderTimeout;
            pdf.RenderTimeoutKey = $"{PdfExportOptions.SectionName}:{nameof(PdfExportOptions.RenderTimeout)}";
        });
    }
}
