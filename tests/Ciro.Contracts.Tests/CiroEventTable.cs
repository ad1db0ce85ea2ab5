using System.Text.RegularExpressions;

namespace Ciro.Contracts.Tests;

public sealed record CiroField(string Name, string Type)
{
    public override string ToString() => $"{Name}: {Type}";
}

/// <summary>One row of the JobManager / CDCPool tables in tests/TestData/starknet/ciro_events.md.</summary>
public sealed record CiroEvent(
    string Contract, string Name, IReadOnlyList<CiroField> Keys, IReadOnlyList<CiroField> Data,
    int KeyFelts, int DataFelts, string Selector);

/// <summary>Reads the CIRO event tables (the reference for the real contracts' event layouts) at test time.</summary>
public static class CiroEventTable
{
    private static readonly Lazy<string> Text = new(() =>
    {
        Assert.True(File.Exists(RepoPaths.CiroEventsMd), $"CIRO event table not found at {RepoPaths.CiroEventsMd}");
        return File.ReadAllText(RepoPaths.CiroEventsMd);
    });

    public static string Markdown => Text.Value;

    /// <summary>`contract` is the heading word: "JobManager" or "CDCPool".</summary>
    public static IReadOnlyList<CiroEvent> Events(string contract)
    {
        var lines = Markdown.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("## " + contract, StringComparison.Ordinal));
        Assert.True(start >= 0, $"ciro_events.md has no '## {contract}' section");
        var events = new List<CiroEvent>();
        for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("##", StringComparison.Ordinal); i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('|') || line.StartsWith("|---", StringComparison.Ordinal) || line.StartsWith("| Event", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            Assert.True(cells.Length == 6, $"Unexpected CIRO table row (want 6 cells): {line}");
            events.Add(new CiroEvent(
                contract, cells[0], Fields(cells[1]), Fields(cells[2]),
                LayoutCount(cells[3]) - 1, LayoutCount(cells[4]), Felt.Parse(cells[5]).ToString()));
        }

        return events;
    }

    /// <summary>Members of WorkerCapabilities in declaration order, as the table's prose lists them.</summary>
    public static IReadOnlyList<CiroField> WorkerCapabilities()
    {
        var m = Regex.Match(Markdown, @"`WorkerCapabilities` lists its members in declaration order:(?<list>[^.]*)\.");
        Assert.True(m.Success, "ciro_events.md no longer describes WorkerCapabilities' members");
        var list = Regex.Replace(m.Groups["list"].Value, @"\([^)]*\)", "");
        return list.Split(',').Select(p => p.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => new CiroField(p[0], p[1])).ToList();
    }

    /// <summary>Wrapper structs as stated in the source list, e.g. `JobId { value: u256 }`.</summary>
    public static IReadOnlyList<CiroField> Wrapper(string name)
    {
        var m = Regex.Match(Markdown, "`" + name + @"\s*\{(?<body>[^}]*)\}`");
        Assert.True(m.Success, $"ciro_events.md does not define {name}");
        return Fields(m.Groups["body"].Value.Replace(',', ';'));
    }

    private static List<CiroField> Fields(string cell)
    {
        if (cell.Trim() == "(none)")
        {
            return [];
        }

        // "worker_id: WorkerId{value: felt252}" -> (worker_id, WorkerId)
        var withoutShapes = Regex.Replace(cell, @"\{[^}]*\}", "");
        return withoutShapes.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split(':', 2))
            .Select(p => new CiroField(p[0].Trim(), p[1].Trim()))
            .ToList();
    }

    private static int LayoutCount(string cell)
    {
        var m = Regex.Match(cell, @"\[(?<items>[^\]]*)\]");
        Assert.True(m.Success, $"No [..] felt layout in '{cell}'");
        var items = m.Groups["items"].Value.Trim();
        return items.Length == 0 ? 0 : items.Split(',').Length;
    }
}
