using Microsoft.Extensions.Options;

namespace Ciro.Alerts.Rules;

/// <summary>
/// The rules that run: those of the rule files of <see cref="AlertsOptions.RulesPath"/>, loaded at start and read-only
/// through the API, and those created through the API (<see cref="ApiRuleStore"/>), read again by
/// <see cref="RefreshAsync"/> before every evaluation and API read — so a change made on any replica reaches every
/// replica's evaluator at its next evaluation, without a restart. Every problem is kept for GET /api/rules with its
/// file (or "api"), rule and field; the rules that are valid run regardless.
/// </summary>
public sealed class RuleCatalog
{
    private readonly RuleSet _files;
    private readonly ApiRuleStore _store;
    private readonly ILogger<RuleCatalog> _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile RuleSet _current;
    private string _loaded = "";

    public RuleCatalog(IOptions<AlertsOptions> options, ApiRuleStore store, RuleMetrics metrics, ILogger<RuleCatalog> logger)
    {
        _store = store;
        _logger = logger;
        Folder = options.Value.ResolvedRulesPath;
        _files = RuleFileLoader.LoadFolder(Folder);
        foreach (var error in _files.Errors)
        {
            metrics.RuleFileErrors.Add(1);
            logger.LogError("Rule file problem, rule left out: {Problem}", error.Message);
        }
        logger.LogInformation("Loaded {Count} rules from {Folder} ({Errors} problems)", _files.Rules.Count, Folder, _files.Errors.Count);
        _current = _files;
    }

    public string Folder { get; }

    /// <summary>The file rules and the API rules as last refreshed.</summary>
    public RuleSet Current => _current;

    public AlertRule? Find(string id) => Current.Rules.FirstOrDefault(r => r.Id == id);

    /// <summary>The rule file that defines <paramref name="id"/> (also when that rule was left out for a problem), or
    /// null: such an id belongs to the file and cannot be created, changed or deleted through the API.</summary>
    public string? FileOf(string id) => FileOf(_files, id);

    private static string? FileOf(RuleSet files, string id) =>
        files.Rules.FirstOrDefault(r => r.Id == id)?.Source ?? files.Errors.FirstOrDefault(e => e.Rule == id)?.File;

    /// <summary>The file rules and the stored API rules as one set (what runs, and what the rules command line
    /// shows): an API rule whose id a rule file defines is left out as a problem, since the file's rule applies.</summary>
    public static RuleSet Combine(RuleSet files, IReadOnlyList<StoredRule> stored)
    {
        var rules = files.Rules.ToList();
        var errors = files.Errors.ToList();
        foreach (var rule in stored)
        {
            if (FileOf(files, rule.Id) is { } file)
            {
                // Only possible when a rule file with this id was added after the API rule: the file wins.
                errors.Add(new RuleFileError(ApiRuleStore.Source, rule.Id, "id", null,
                    $"rule '{rule.Id}': id: '{rule.Id}' is also defined in the rule file {file}, whose rule applies; delete the API rule"));
                continue;
            }
            var (parsed, problems) = ApiRuleStore.Validate(rule.Definition);
            rules.AddRange(parsed.Where(p => p.Id == rule.Id));
            errors.AddRange(problems);
        }
        return new RuleSet(rules, errors);
    }

    /// <summary>Reads the API rules again; re-validates them only when a definition changed.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            var stored = await _store.ListAsync(ct);
            var loaded = string.Join('\n', stored.Select(s => $"{s.Id} {s.Definition}"));
            if (loaded == _loaded)
            {
                return;
            }
            var combined = Combine(_files, stored);
            _current = combined;
            _loaded = loaded;
            _logger.LogInformation("API rules loaded: {Count} ({Enabled} enabled)", stored.Count, combined.Rules.Count(r => r.Source == ApiRuleStore.Source && r.Enabled));
        }
        finally
        {
            _refresh.Release();
        }
    }
}
