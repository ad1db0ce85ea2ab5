using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Ciro.Alerts.Notifiers;
using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Delivery;

/// <summary>
/// Which channels and recipients a message goes to, from its labels (plus <c>severity</c>, <c>rule</c> and
/// <c>transition</c>), Alertmanager's way: routes are tried in order, the first whose matchers all hold wins (a
/// route with <c>Continue</c> lets the next ones be tried too), and a message no route takes goes to the default
/// targets — or, when none are configured, to every channel with its configured recipients.
/// </summary>
public sealed class AlertRouter(IOptions<RoutingOptions> options, IEnumerable<IAlertNotifier> notifiers)
{
    private readonly Dictionary<string, IAlertNotifier> _channels = notifiers.ToDictionary(n => n.Channel, StringComparer.Ordinal);

    // Parsed once; every matcher was checked at start (RoutingOptions.Validate).
    private readonly List<(AlertRoute Route, List<LabelMatcher> Matchers)> _routes = options.Value.Routes
        .Select(r => (r, r.Matchers.Select(m => LabelMatcher.TryParse(m, out var matcher, out _) ? matcher : throw new InvalidOperationException(m)).ToList()))
        .ToList();

    /// <summary>Each channel and recipient <paramref name="message"/> goes to, once: a route's own recipients, else
    /// the channel's configured ones.</summary>
    public IReadOnlyList<NotificationTarget> TargetsOf(AlertMessage message)
    {
        var labels = LabelsOf(message);
        var targets = new List<RouteTarget>();
        foreach (var (route, matchers) in _routes)
        {
            if (matchers.All(m => m.Matches(labels)))
            {
                targets.AddRange(route.Targets);
                if (!route.Continue)
                {
                    break;
                }
            }
        }
        if (targets.Count == 0)
        {
            targets = options.Value.Default;
        }
        var chosen = targets.Count == 0
            ? _channels.Values.SelectMany(n => n.RecipientsOf(message).Select(r => new NotificationTarget(n.Channel, r)))
            : targets.Where(t => _channels.ContainsKey(t.Channel))
                .SelectMany(t => (t.Recipients.Count > 0 ? t.Recipients : _channels[t.Channel].RecipientsOf(message)).Select(r => new NotificationTarget(t.Channel, r)));
        return chosen.Distinct().ToList();
    }

    /// <summary>The labels routes see: the message's, and severity, rule and transition (which win over a label of the same name).</summary>
    public static IReadOnlyDictionary<string, string> LabelsOf(AlertMessage message)
    {
        var labels = new Dictionary<string, string>(message.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["severity"] = message.Severity,
            ["rule"] = message.Rule,
            ["transition"] = message.TransitionName,
        };
        return labels;
    }
}

/// <summary>Bound from <see cref="SectionName"/>: <c>Routes:N:Matchers:M</c> (<c>label=value</c>, <c>!=</c>,
/// <c>=~regex</c>, <c>!~regex</c>), <c>Routes:N:Targets:M:Channel</c> / <c>…:Recipients:K</c>, <c>Routes:N:Continue</c>,
/// and <c>Default:M:Channel</c> / <c>…:Recipients:K</c>.</summary>
public sealed class RoutingOptions : IValidatableObject
{
    public const string SectionName = "Alerts:Routing";

    /// <summary>The channel names a target may use.</summary>
    public static readonly IReadOnlySet<string> Channels = new HashSet<string>(StringComparer.Ordinal) { "email", "discord", "telegram", "webhook" };

    public List<AlertRoute> Routes { get; set; } = [];

    /// <summary>Targets of a message no route takes; empty: every channel with its configured recipients.</summary>
    public List<RouteTarget> Default { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (route, i) in Routes.Select((r, i) => (r, i)))
        {
            foreach (var (text, m) in route.Matchers.Select((t, m) => (t, m)))
            {
                if (!LabelMatcher.TryParse(text, out _, out var problem))
                {
                    yield return new ValidationResult($"{SectionName}:Routes:{i}:Matchers:{m} = '{text}' {problem}", [nameof(Routes)]);
                }
            }
            if (route.Targets.Count == 0)
            {
                yield return new ValidationResult($"{SectionName}:Routes:{i}:Targets is empty; a route sends to at least one channel.", [nameof(Routes)]);
            }
            foreach (var problem in ValidateTargets(route.Targets, $"{SectionName}:Routes:{i}:Targets"))
            {
                yield return problem;
            }
        }
        foreach (var problem in ValidateTargets(Default, $"{SectionName}:Default"))
        {
            yield return problem;
        }
    }

    private static IEnumerable<ValidationResult> ValidateTargets(List<RouteTarget> targets, string key)
    {
        foreach (var (target, t) in targets.Select((x, t) => (x, t)))
        {
            if (!Channels.Contains(target.Channel))
            {
                yield return new ValidationResult($"{key}:{t}:Channel = '{target.Channel}' is not a channel; expected one of {string.Join(", ", Channels)}.", [key]);
            }
        }
    }
}

public sealed class AlertRoute
{
    public List<string> Matchers { get; set; } = [];
    public List<RouteTarget> Targets { get; set; } = [];

    /// <summary>Also try the routes after this one when it matched.</summary>
    public bool Continue { get; set; }
}

public sealed class RouteTarget
{
    public string Channel { get; set; } = "";

    /// <summary>Empty: the channel's configured recipients (Email:To, Telegram:ChatIds, the Discord and webhook names).</summary>
    public List<string> Recipients { get; set; } = [];
}

/// <summary>One matcher: <c>label=value</c>, <c>label!=value</c>, <c>label=~regex</c>, <c>label!~regex</c> (a regex
/// matches the whole value). A label the message lacks has the value "".</summary>
public sealed partial record LabelMatcher(string Label, string Operator, string Value, Regex? Pattern)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var value = labels.GetValueOrDefault(Label, "");
        return Operator switch
        {
            "=" => value == Value,
            "!=" => value != Value,
            "=~" => Pattern!.IsMatch(value),
            _ => !Pattern!.IsMatch(value),
        };
    }

    public static bool TryParse(string text, out LabelMatcher matcher, out string problem)
    {
        matcher = null!;
        var match = Syntax().Match(text ?? "");
        if (!match.Success)
        {
            problem = "is not label=value, label!=value, label=~regex or label!~regex.";
            return false;
        }
        var (label, op, value) = (match.Groups["label"].Value, match.Groups["op"].Value, match.Groups["value"].Value.Trim());
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }
        Regex? pattern = null;
        if (op is "=~" or "!~")
        {
            try
            {
                pattern = new Regex($"^(?:{value})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException ex)
            {
                problem = $"has an invalid regex: {ex.Message}";
                return false;
            }
        }
        matcher = new LabelMatcher(label, op, value, pattern);
        problem = "";
        return true;
    }

    [GeneratedRegex(@"^\s*(?<label>[A-Za-z_][A-Za-z0-9_]*)\s*(?<op>=~|!~|!=|=)(?<value>.*)$")]
    private static partial Regex Syntax();
}
