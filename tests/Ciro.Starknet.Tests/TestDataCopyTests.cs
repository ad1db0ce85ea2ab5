using Xunit.Abstractions;

namespace Ciro.Starknet.Tests;

/// <summary>tests/TestData is a copy of files from the read-only shared/ folder that sits beside the repository on
/// developer machines. Where that folder exists, every copied file must still be byte-identical to its original, so
/// a fix upstream cannot silently leave the repository testing stale data, and shared/starknet (copied whole) may
/// not gain a file the copy lacks. A clone on its own has nothing to compare against and says so.</summary>
public sealed class TestDataCopyTests(ITestOutputHelper output)
{
    /// <summary>Files of tests/TestData that are ours, not copies.</summary>
    private static readonly HashSet<string> OwnFiles = new(StringComparer.Ordinal) { "README.md" };

    [Fact]
    public void Every_copied_file_is_identical_to_its_original_in_shared()
    {
        var shared = TestData.SharedOriginal;
        if (shared is null)
        {
            output.WriteLine($"checked nothing: no shared/ folder beside {TestData.RepoRoot} (a standalone clone)");
            return;
        }

        var copies = CopiedFiles();
        Assert.True(copies.Count >= 43, $"expected the copied corpus under {TestData.Root}, found {copies.Count} files");
        var differences = new List<string>();
        foreach (var relative in copies)
        {
            var original = Path.Combine(shared, relative);
            if (!File.Exists(original))
            {
                differences.Add($"{relative}: not in {shared}");
            }
            else if (!File.ReadAllBytes(original).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(TestData.Root, relative))))
            {
                differences.Add($"{relative}: differs from {original}");
            }
        }
        var starknet = Path.Combine(shared, "starknet");
        var copied = copies.ToHashSet(StringComparer.Ordinal);
        differences.AddRange(Directory.EnumerateFiles(starknet, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(shared, f))
            .Where(f => !copied.Contains(f))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{f}: in {shared} but not copied"));
        Assert.True(differences.Count == 0, "copy out of date (copy the originals again):\n" + string.Join("\n", differences));
        output.WriteLine($"checked {copies.Count} files against {shared}");
    }

    private static List<string> CopiedFiles() =>
        Directory.EnumerateFiles(TestData.Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TestData.Root, f))
            .Where(f => !OwnFiles.Contains(f))
            .Order(StringComparer.Ordinal)
            .ToList();
}
