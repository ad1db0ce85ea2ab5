using System.Diagnostics.Metrics;

namespace Ciro.Web.Exports;

/// <summary>PDF exports by outcome (printed, busy, timeout, failed) and how long the printed ones took.</summary>
public sealed class PdfExportMetrics
{
    public PdfExportMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Live.LiveMetrics.MeterName);
        Exports = meter.CreateCounter<long>("ciro.web.pdf_exports", description: "PDF exports, by outcome");
        Duration = meter.CreateHistogram<double>("ciro.web.pdf_export.duration", unit: "s", description: "Time to print a PDF export");
    }

    public Counter<long> Exports { get; }
    public Histogram<double> Duration { get; }
}
