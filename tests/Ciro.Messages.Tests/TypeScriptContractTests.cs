namespace Ciro.Messages.Tests;

/// <summary>
/// The dashboard's message types are generated from the records. This test fails when the committed file differs
/// from what the records give (a field renamed in C# and not regenerated, or the file edited by hand); after
/// regenerating, the dashboard's <c>tsc</c> (run by scripts/test.sh) fails wherever a consumer uses the old shape.
/// </summary>
public sealed class TypeScriptContractTests
{
    [Fact]
    public void The_committed_messages_ts_is_what_the_records_generate()
    {
        var path = Path.Combine(RepositoryRoot(), TypeScriptEmitter.RelativePath);
        var generated = TypeScriptEmitter.Emit();
        if (Environment.GetEnvironmentVariable("CIRO_WRITE_MESSAGES_TS") == "1")
        {
            File.WriteAllText(path, generated);
        }
        Assert.True(File.Exists(path), $"{path} is missing; generate it with CIRO_WRITE_MESSAGES_TS=1 dotnet test tests/Ciro.Messages.Tests");
        var committed = File.ReadAllText(path);
        Assert.True(committed == generated,
            $"{TypeScriptEmitter.RelativePath} differs from the records in src/Ciro.Messages. Regenerate it with " +
            $"CIRO_WRITE_MESSAGES_TS=1 dotnet test tests/Ciro.Messages.Tests.\n--- generated ---\n{generated}");
    }

    [Fact]
    public void Every_message_and_field_is_documented_and_mapped()
    {
        var generated = TypeScriptEmitter.Emit();
        Assert.Contains("export type BlocksCommitted = {\n  /** First block of the batch. */\n  from: number;", generated);
        Assert.Contains("  labels: Record<string, string>;", generated);
        Assert.Contains("export type IncidentState = 'firing' | 'acknowledged' | 'resolved';", generated);
        Assert.Contains("  incidentChanged: 'incidentChanged',", generated);
        Assert.Contains("  blockCommitted: BlocksCommitted;", generated);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CiroAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No CiroAspire.sln above {AppContext.BaseDirectory}");
    }
}
