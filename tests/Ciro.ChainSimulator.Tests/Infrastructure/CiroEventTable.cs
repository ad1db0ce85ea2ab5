using System.Text.RegularExpressions;

namespace Ciro.ChainSimulator.Tests.Infrastructure;

/// <summary>One emittable event row of tests/TestData/starknet/ciro_events.md: its felt layouts and published selector.</summary>
public sealed record CiroEventRow(string Contract, string Name, string[] KeyLayout, string[] DataLayout, string Selector);

/// <summary>
/// Parses the JobManager and CDCPool tables of ciro_events.md (not the "declared but never emitted" table), so
/// the simulator is checked against the document itself rather than against a copy of it in test code.
/// </summary>
public static partial class CiroEventTable
{
    public static IReadOnlyList<CiroEventRow> Rows { get; } = Parse(File.ReadAllLines(TestData.Path("starknet", "ciro_events.md")));

    private static List<CiroEventRow> Parse(string[] lines)
    {
        var rows = new List<CiroEventRow>();
        string? contract = null;
        foreach (var line in lines)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                contract = line.StartsWith("## JobManager", StringComparison.Ordinal) ? "JobManager"
                    : line.StartsWith("## CDCPool", StringComparison.Ordinal) ? "CDCPool" : null;
                continue;
            }
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                contract = null; // "Structs that … no Event enum lists": not emittable
                continue;
            }
            if (contract is null || !line.StartsWith("| ", StringComparison.Ordinal))
            {
                continue;
            }
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length != 6 || !cells[5].StartsWith("0x", StringComparison.Ordinal))
            {
                continue; // header and separator rows
            }
            rows.Add(new CiroEventRow(contract, cells[0], Layout(cells[3]), Layout(cells[4]), cells[5]));
        }
        return rows;
    }

    /// <summary>"[sel, job_id.low, job_id.high, client]" → its items; "[] " → none; trailing notes ignored.</summary>
    private static string[] Layout(string cell)
    {
        var inside = BracketContent().Match(cell).Groups[1].Value;
        return inside.Length == 0 ? [] : inside.Split(',').Select(s => s.Trim()).ToArray();
    }

    [GeneratedRegex(@"\[(.*?)\]")]
    private static partial Regex BracketContent();
}
