using System.ComponentModel.DataAnnotations;

namespace Ciro.Web.Exports;

/// <summary>The dashboard's PDF export (section <see cref="SectionName"/>), validated at start with messages naming
/// the key and the value.</summary>
public sealed class PdfExportOptions : IValidatableObject
{
    public const string SectionName = "Ciro:Web:PdfExport";

    /// <summary>Off: the web starts without a browser and the export answers 503 naming this key (the default
    /// container images of the production shape have no Chromium).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Debian's Chromium, which opens the dashboard's print page and prints it (never a downloaded browser).</summary>
    public string ChromiumPath { get; set; } = "/usr/bin/chromium";

    /// <summary>Longest one export may take, browser start to last byte; past it the browser is killed and the caller
    /// gets 504.</summary>
    public TimeSpan RenderTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Renderings at once on this replica (each is a browser); more get 503 with Retry-After.</summary>
    public int MaxConcurrentRenders { get; set; } = 2;

    /// <summary>How long the browser has to redeem its one-time print ticket.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where the browser reaches this replica; empty: the address this replica listens on (loopback), so the
    /// print page is served by the replica holding the render.</summary>
    public string? PrintBaseUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && !File.Exists(ChromiumPath))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ChromiumPath)} = '{ChromiumPath}' does not exist: install Debian's chromium (scripts/setup.sh) or turn the export off ({SectionName}:{nameof(Enabled)}=false).", [nameof(ChromiumPath)]);
        }
        if (RenderTimeout < TimeSpan.FromSeconds(5) || RenderTimeout > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(RenderTimeout)} = {RenderTimeout} must be between 00:00:05 and 00:10:00.", [nameof(RenderTimeout)]);
        }
        if (MaxConcurrentRenders is < 1 or > 16)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(MaxConcurrentRenders)} = {MaxConcurrentRenders} must be 1 to 16.", [nameof(MaxConcurrentRenders)]);
        }
        if (TicketLifetime < TimeSpan.FromSeconds(5) || TicketLifetime > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(TicketLifetime)} = {TicketLifetime} must be between 00:00:05 and 00:10:00.", [nameof(TicketLifetime)]);
        }
        if (!string.IsNullOrEmpty(PrintBaseUrl) && !(Uri.TryCreate(PrintBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(PrintBaseUrl)} = '{PrintBaseUrl}' must be an absolute http(s) URL.", [nameof(PrintBaseUrl)]);
        }
    }
}
