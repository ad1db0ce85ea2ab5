using Ciro.Alerts.Rules;

namespace Ciro.Alerts.Tests.RuleFiles;

/// <summary>Rule files are validated field by field at load: every problem names its file, rule and field, and a bad
/// rule or file never keeps the good ones from loading.</summary>
public sealed class RuleFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ciro-rules-");

    public void Dispose() => _folder.Delete(recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder.FullName, name), text);

    [Fact]
    public void The_shipped_rules_folder_loads_one_rule_of_each_kind_without_problems()
    {
        var set = RuleFileLoader.LoadFolder(Path.Combine(AppContext.BaseDirectory, "alert-rules"));

        Assert.Empty(set.Errors);
        Assert.Equal(Enum.GetValues<RuleKind>().Order(), set.Rules.Select(r => r.Kind).Distinct().Order());
        Assert.Equal(6, set.Rules.Count); // worker degradation twice: success rate and completion time
        var gas = Assert.Single(set.Rules, r => r.Kind == RuleKind.GasSpike);
        Assert.Equal(("gas-spike-submit-job-result", "submit_job_result", 2.5, 1.5), (gas.Id, gas.Function, gas.Threshold, gas.Recovery));
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1)), (gas.Window, gas.Baseline, gas.Pending));
        Assert.Equal("ciro", gas.Labels["team"]);
        Assert.Equal("gas-spike.yaml", gas.Source);
    }

    [Fact]
    public void Bad_rules_are_named_by_file_rule_and_field_and_the_good_ones_still_load()
    {
        Write("a-good.yaml", """
            rules:
              - id: congestion
                kind: network-congestion
                window: 5m
                threshold: 0.8
                recovery: 0.6
            """);
        Write("b-mixed.yml", """
            rules:
              - id: gas-ok
                kind: gas-spike
                function: submit_job_result
                window: 90s
                threshold: 3
              - id: gas-bad
                kind: gas-spike
                window: 5m
                threshold: lots
                recovery: 2
              - id: Bad_Id
                kind: slow-execution
                window: 5m
                threshold: 10
                recovery: 12
                pending: soon
                colour: red
            """);
        Write("c-broken.yaml", "rules:\n  - id: x\n    kind: [unclosed\n");
        Write("d-json.json", """{"rules": [{"id": "usage", "kind": "usage-anomaly", "window": "2h", "threshold": 0.9, "function": "submit_ai_job"}]}""");
        Write("e-duplicate.yaml", "id: congestion\nkind: network-congestion\nwindow: 5m\nthreshold: 0.9\n");
        Write("f-kind.yaml", "id: mystery\nkind: gas-leak\nwindow: 5m\nthreshold: 1\nmetric: l2_gas\n");
        Write("notes.txt", "not a rule file");

        var set = RuleFileLoader.LoadFolder(_folder.FullName);

        Assert.Equal(["congestion", "gas-ok", "usage"], set.Rules.Select(r => r.Id));
        Assert.Equal(TimeSpan.FromSeconds(90), set.Rules[1].Window);
        Assert.Equal(3, set.Rules[1].Recovery); // no recovery given: the threshold
        var messages = set.Errors.Select(e => e.Message).ToList();
        Assert.Contains("b-mixed.yml: rule 'gas-bad' (line 10): threshold: 'lots' must be a number in [-1E+30, 1E+30]", messages);
        Assert.Contains("b-mixed.yml: rule 'gas-bad' (line 7): function: is required for gas-spike (the function whose gas per call is watched)", messages);
        Assert.Contains("b-mixed.yml: rule 'Bad_Id' (line 12): id: 'Bad_Id' must be lower-case letters, digits and '-', at most 64 characters", messages);
        Assert.Contains("b-mixed.yml: rule 'Bad_Id' (line 16): recovery: '12' must not be above threshold 10 (the rule recovers once the measure is back at or below it)", messages);
        Assert.Contains("b-mixed.yml: rule 'Bad_Id' (line 17): pending: 'soon' must be a duration like 90s, 5m, 1h30m or 2d, from 00:00:00 to 1.00:00:00", messages);
        Assert.Contains(messages, m => m.StartsWith("b-mixed.yml: rule 'Bad_Id' (line 18): colour: is not a rule field", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("c-broken.yaml: line 4: not valid YAML/JSON", StringComparison.Ordinal));
        Assert.Contains("e-duplicate.yaml: rule 'congestion': id: 'congestion' is already defined in a-good.yaml; ids must be unique", messages);
        Assert.Contains(messages, m => m.StartsWith("f-kind.yaml: rule 'mystery' (line 2): kind: 'gas-leak' must be one of gas-spike, slow-execution", StringComparison.Ordinal));
        Assert.Equal(9, set.Errors.Count);
        var field = Assert.Single(set.Errors, e => e.Rule == "gas-bad" && e.Field == "threshold");
        Assert.Equal("b-mixed.yml", field.File);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("00:10:00", 600)]
    public void Durations_read_as_written(string text, int seconds)
    {
        Assert.True(RuleFileLoader.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Fact]
    public void A_missing_folder_is_one_problem_naming_it()
    {
        var missing = Path.Combine(_folder.FullName, "nowhere");
        var set = RuleFileLoader.LoadFolder(missing);
        Assert.Empty(set.Rules);
        Assert.Equal($"{missing}: the rules folder does not exist (Alerts:RulesPath)", Assert.Single(set.Errors).Message);
    }
}
