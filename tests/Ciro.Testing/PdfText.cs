using System.Diagnostics;

namespace Ciro.Testing;

/// <summary>What a PDF says, read with poppler's pdftotext (poppler-utils, installed by scripts/setup.sh).</summary>
public static class PdfText
{
    /// <summary>pdftotext -layout of the whole document; each page ends with a form feed.</summary>
    public static async Task<string> ReadAsync(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"ciro-pdf-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            var info = new ProcessStartInfo("pdftotext") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-layout", "-enc", "UTF-8", file, "-" })
            {
                info.ArgumentList.Add(argument);
            }
            using var process = Process.Start(info)!;
            var text = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"pdftotext exited {process.ExitCode}: {await errors}");
            }
            return await text;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The pages of <see cref="ReadAsync"/>'s text (split at the form feeds).</summary>
    public static string[] Pages(string text) => text.Split('\f')[..^1];
}
