using System.Globalization;
using System.Text.RegularExpressions;
using Ciro.Messages;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ciro.Alerts.Rules;

/// <summary>A problem in a rule file: <see cref="Rule"/> and <see cref="Field"/> are null when the whole file is
/// unreadable. <see cref="Message"/> is the line an operator reads.</summary>
public sealed record RuleFileError(string File, string? Rule, string? Field, int? Line, string Message);

/// <summary>The rules that loaded and the problems of those that did not.</summary>
public sealed record RuleSet(IReadOnlyList<AlertRule> Rules, IReadOnlyList<RuleFileError> Errors)
{
    public static RuleSet Empty { get; } = new([], []);
}

/// <summary>
/// Reads every <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> file of a folder (JSON is YAML, one parser reads both).
/// A file holds <c>rules:</c> (a list), a list, or a single rule. Every rule is validated field by field; a bad rule
/// is left out with an error naming file, rule and field, and never stops the other rules or files.
/// </summary>
public static partial class RuleFileLoader
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    private static readonly HashSet<string> Fields =
    [
        "id", "kind", "description", "enabled", "severity", "labels", "window", "pending", "keepFiring", "noData",
        "threshold", "recovery", "baseline", "minSamples", "metric", "contract", "function", "against", "minSpread",
        "maxTransactions", "direction",
    ];

    private static readonly Dictionary<string, RuleKind> Kinds = Enum.GetValues<RuleKind>().ToDictionary(AlertRule.KindName);

    private static readonly Dictionary<RuleKind, string[]> Metrics = new()
    {
        [RuleKind.GasSpike] = ["l2_gas", "fee_fri"],
        [RuleKind.SlowExecution] = ["submitted-completed", "assigned-completed", "submitted-assigned", "block-interval"],
        [RuleKind.WorkerDegradation] = ["success-rate", "completion-time"],
        [RuleKind.NetworkCongestion] = ["l2-gas", "transactions", "l2-gas-price"],
        [RuleKind.UsageAnomaly] = ["tx_count", "l2_gas"],
    };

    public static RuleSet LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return new([], [new RuleFileError(folder, null, null, null, $"{folder}: the rules folder does not exist (Alerts:RulesPath)")]);
        }
        var rules = new List<AlertRule>();
        var errors = new List<RuleFileError>();
        var files = Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var (loaded, problems) = Parse(Path.GetFileName(file), File.ReadAllText(file));
            errors.AddRange(problems);
            foreach (var rule in loaded)
            {
                if (rules.FirstOrDefault(r => r.Id == rule.Id) is { } first)
                {
                    errors.Add(new RuleFileError(rule.Source, rule.Id, "id", null,
                        $"{rule.Source}: rule '{rule.Id}': id: '{rule.Id}' is already defined in {first.Source}; ids must be unique"));
                    continue;
                }
                rules.Add(rule);
            }
        }
        return new(rules, errors);
    }

    /// <summary>The rules of one file's text; <paramref name="file"/> names it in every error. Without
    /// <paramref name="lines"/> (a rule sent to the API as JSON, where a line number means nothing) the errors name
    /// the rule and the field only.</summary>
    public static (IReadOnlyList<AlertRule> Rules, IReadOnlyList<RuleFileError> Errors) Parse(string file, string text, bool lines = true)
    {
        var errors = new List<RuleFileError>();
        var rules = new List<AlertRule>();
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException ex)
        {
            errors.Add(new RuleFileError(file, null, null, (int)ex.Start.Line, $"{file}: line {ex.Start.Line}: not valid YAML/JSON: {ex.Message}"));
            return (rules, errors);
        }
        IEnumerable<YamlNode> items = root switch
        {
            null => [],
            YamlMappingNode m when m.Children.ContainsKey(new YamlScalarNode("rules")) => m.Children[new YamlScalarNode("rules")] is YamlSequenceNode s ? s : Invalid(),
            YamlMappingNode m => [m],
            YamlSequenceNode s => s,
            _ => Invalid(),
        };
        IEnumerable<YamlNode> Invalid()
        {
            errors.Add(new RuleFileError(file, null, null, (int)root!.Start.Line, $"{file}: expected 'rules:' with a list of rules, a list of rules, or one rule"));
            return [];
        }
        var index = 0;
        foreach (var item in items)
        {
            index++;
            if (item is not YamlMappingNode mapping)
            {
                errors.Add(new RuleFileError(file, null, null, (int)item.Start.Line, $"{file}: rule #{index} (line {item.Start.Line}): expected a mapping of fields"));
                continue;
            }
            var reader = new RuleReader(file, index, mapping, errors, lines);
            if (reader.Read() is { } rule)
            {
                rules.Add(rule);
            }
        }
        return (rules, errors);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^0x[0-9a-fA-F]{1,64}$")]
    private static partial Regex FeltPattern();

    [GeneratedRegex(@"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")]
    private static partial Regex DurationPattern();

    /// <summary>"90s", "5m", "1h30m", "2d" or "hh:mm:ss".</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        if (DurationPattern().Match(text) is { Success: true } m && text.Length > 0)
        {
            int Part(int g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
            value = new TimeSpan(Part(1), Part(2), Part(3), Part(4));
            return true;
        }
        return text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Reads one rule's fields, recording every problem (not only the first) before giving up on it.</summary>
    private sealed class RuleReader(string file, int index, YamlMappingNode mapping, List<RuleFileError> errors, bool lines)
    {
        private string _name = $"#{index}";
        private bool _failed;

        private void Fail(string field, YamlNode? node, string message)
        {
            _failed = true;
            if (!lines)
            {
                errors.Add(new RuleFileError(file, _name, field, null, $"rule '{_name}': {field}: {message}"));
                return;
            }
            var line = (int)(node ?? mapping).Start.Line;
            errors.Add(new RuleFileError(file, _name, field, line, $"{file}: rule '{_name}' (line {line}): {field}: {message}"));
        }

        private YamlNode? Node(string field) =>
            mapping.Children.TryGetValue(new YamlScalarNode(field), out var node) ? node : null;

        private string? Text(string field)
        {
            switch (Node(field))
            {
                case null:
                    return null;
                case YamlScalarNode { Value: var v }:
                    return v;
                case var other:
                    Fail(field, other, "expected a single value");
                    return null;
            }
        }

        private string Required(string field)
        {
            var value = Text(field);
            if (string.IsNullOrWhiteSpace(value))
            {
                Fail(field, null, "is required");
                return "";
            }
            return value;
        }

        private double? Number(string field, double min, double max)
        {
            if (Text(field) is not { } text)
            {
                return null;
            }
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= min && d <= max)
            {
                return d;
            }
            Fail(field, Node(field), $"'{text}' must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
            return null;
        }

        private TimeSpan? Duration(string field, TimeSpan min, TimeSpan max)
        {
            if (Text(field) is not { } text)
            {
                return null;
            }
            if (TryParseDuration(text, out var value) && value >= min && value <= max)
            {
                return value;
            }
            Fail(field, Node(field), $"'{text}' must be a duration like 90s, 5m, 1h30m or 2d, from {min} to {max}");
            return null;
        }

        private string OneOf(string field, string fallback, params string[] allowed)
        {
            var text = Text(field);
            if (text is null)
            {
                return fallback;
            }
            if (allowed.Contains(text))
            {
                return text;
            }
            Fail(field, Node(field), $"'{text}' must be one of {string.Join(", ", allowed)}");
            return fallback;
        }

        public AlertRule? Read()
        {
            var id = Text("id");
            if (string.IsNullOrWhiteSpace(id))
            {
                Fail("id", null, "is required");
            }
            else
            {
                _name = id;
                if (id.Length > IncidentChanged.MaxRuleLength || !IdPattern().IsMatch(id))
                {
                    Fail("id", Node("id"), $"'{id}' must be lower-case letters, digits and '-', at most {IncidentChanged.MaxRuleLength} characters");
                }
            }
            foreach (var key in mapping.Children.Keys)
            {
                if (key is not YamlScalarNode { Value: { } name } || !Fields.Contains(name))
                {
                    Fail(key.ToString(), key, $"is not a rule field; expected one of {string.Join(", ", Fields)}");
                }
            }
            var kindText = Required("kind");
            var known = Kinds.TryGetValue(kindText, out var kind);
            if (!known && kindText != "")
            {
                Fail("kind", Node("kind"), $"'{kindText}' must be one of {string.Join(", ", Kinds.Keys)}");
            }
            var severity = OneOf("severity", "warning", "critical", "warning", "info");
            var enabled = OneOf("enabled", "true", "true", "false") == "true";
            var labels = Labels();
            var window = Duration("window", TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
            if (window is null && Node("window") is null)
            {
                Fail("window", null, "is required (e.g. 5m)");
            }
            var pending = Duration("pending", TimeSpan.Zero, TimeSpan.FromDays(1)) ?? TimeSpan.Zero;
            var keepFiring = Duration("keepFiring", TimeSpan.Zero, TimeSpan.FromDays(1)) ?? TimeSpan.Zero;
            var noData = OneOf("noData", "keep", "keep", "ok", "alerting");
            var baseline = Duration("baseline", TimeSpan.FromMinutes(1), TimeSpan.FromDays(28));
            var threshold = Number("threshold", -1e30, 1e30);
            if (threshold is null && Node("threshold") is null)
            {
                Fail("threshold", null, "is required");
            }
            var recovery = Number("recovery", -1e30, 1e30);
            if (recovery is { } r && threshold is { } t && r > t)
            {
                Fail("recovery", Node("recovery"), $"'{r.ToString(CultureInfo.InvariantCulture)}' must not be above threshold {t.ToString(CultureInfo.InvariantCulture)} (the rule recovers once the measure is back at or below it)");
            }
            var minSamples = (int)(Number("minSamples", 1, 1_000_000) ?? 5);
            // The kind-specific fields are checked only once the kind is known: an unknown kind is one problem, not five.
            var metrics = known ? Metrics[kind] : [];
            var metric = known ? OneOf("metric", metrics[0], metrics) : "";
            var contract = Text("contract");
            if (contract is not null && !FeltPattern().IsMatch(contract))
            {
                Fail("contract", Node("contract"), $"'{contract}' must be a 0x-prefixed contract address");
            }
            var function = Text("function");
            var against = OneOf("against", "peers", "peers", "history");
            var minSpread = Number("minSpread", 0, 1e12);
            var maxTransactions = (int)(Number("maxTransactions", 1, 100_000) ?? 500);
            var direction = OneOf("direction", "up", "up", "down", "both");

            switch (known ? kind : (RuleKind?)null)
            {
                case RuleKind.GasSpike when string.IsNullOrWhiteSpace(function):
                    Fail("function", null, "is required for gas-spike (the function whose gas per call is watched)");
                    break;
                case RuleKind.NetworkCongestion when metric == "l2-gas-price" && baseline is null:
                    Fail("baseline", null, "is required for metric l2-gas-price (a price is only high against its own history)");
                    break;
                case RuleKind.WorkerDegradation when against == "history" && baseline is null:
                    Fail("baseline", null, "is required for against: history");
                    break;
                case RuleKind.UsageAnomaly when threshold is > 1 or < 0:
                    Fail("threshold", Node("threshold"), "an anomaly score threshold must be in [0, 1]");
                    break;
                case RuleKind.UsageAnomaly when window < TimeSpan.FromHours(1):
                    Fail("window", Node("window"), "anomaly scores are hourly: the window must be at least 1h");
                    break;
            }
            if (_failed)
            {
                return null;
            }
            return new AlertRule
            {
                Id = id!,
                Kind = kind,
                Severity = severity,
                Description = Text("description"),
                Enabled = enabled,
                Labels = labels,
                Window = window!.Value,
                Pending = pending,
                KeepFiring = keepFiring,
                NoData = Enum.Parse<NoDataPolicy>(noData, ignoreCase: true),
                Threshold = threshold!.Value,
                Recovery = recovery ?? threshold.Value,
                Baseline = baseline,
                MinSamples = minSamples,
                Metric = metric,
                Contract = contract,
                Function = function,
                Against = against,
                MinSpread = minSpread ?? (metric == "completion-time" ? 2 : 0.05),
                MaxTransactions = maxTransactions,
                Direction = direction,
                Source = file,
            };
        }

        private Dictionary<string, string> Labels()
        {
            var labels = new Dictionary<string, string>();
            switch (Node("labels"))
            {
                case null:
                    break;
                case YamlMappingNode m:
                    foreach (var (key, value) in m.Children)
                    {
                        var k = (key as YamlScalarNode)?.Value ?? "";
                        var v = (value as YamlScalarNode)?.Value;
                        if (k.Length is 0 || k.Length > IncidentChanged.MaxLabelKeyLength || v is null || v.Length > IncidentChanged.MaxLabelValueLength)
                        {
                            Fail($"labels.{k}", key, $"a label is a key of 1-{IncidentChanged.MaxLabelKeyLength} characters with a text value of at most {IncidentChanged.MaxLabelValueLength}");
                            continue;
                        }
                        labels[k] = v;
                    }
                    if (labels.Count > IncidentChanged.MaxLabels - 4)
                    {
                        Fail("labels", Node("labels"), $"at most {IncidentChanged.MaxLabels - 4} labels (the rule adds kind, function, contract or worker)");
                    }
                    break;
                case var other:
                    Fail("labels", other, "expected a mapping of label: value");
                    break;
            }
            return labels;
        }
    }
}
