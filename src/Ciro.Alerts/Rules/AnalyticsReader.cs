using System.Globalization;
using System.Net;

namespace Ciro.Alerts.Rules;

/// <summary>What the rules ask the analytics API (never the tables): the newest event of a name and the chain head;
/// the pipeline's status; and, for the five rule kinds, the raw rows of a range (calls with their gas, blocks, jobs)
/// and the hourly anomaly scores. Raw answers are paged; every page of the range is read.</summary>
public sealed class AnalyticsReader(HttpClient http) : IRuleData
{
    /// <summary>The API's largest page; a range with more rows takes several requests.</summary>
    private const int PageSize = 1000;

    /// <summary>A bound on one range read (200,000 rows): a rule that needs more asks for too long a window.</summary>
    private const int MaxPages = 200;

    public async Task<LastEvent?> GetLastEventAsync(string name, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/api/events/last?name={Uri.EscapeDataString(name)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null; // nothing indexed yet: "no data" is not "no events"
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<LastEvent>(ct);
    }

    public async Task<PipelineStatus> GetPipelineStatusAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<PipelineStatus>("/api/pipeline/status", ct)
            ?? throw new HttpRequestException("analytics answered /api/pipeline/status with an empty body");

    /// <summary>GET /api/kpi/gas?bucket=raw: one row per transaction and distinct function it calls.</summary>
    public Task<IReadOnlyList<GasCall>> GetGasCallsAsync(DateTimeOffset from, DateTimeOffset to, string? contract, string? function, CancellationToken ct) =>
        ReadAllAsync<GasCall>("/api/kpi/gas", from, to, ct, ("bucket", "raw"), ("contract", contract), ("function", function));

    /// <summary>GET /api/kpi/network?bucket=raw: one row per block.</summary>
    public Task<IReadOnlyList<BlockSample>> GetBlocksAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        ReadAllAsync<BlockSample>("/api/kpi/network", from, to, ct, ("bucket", "raw"));

    /// <summary>GET /api/kpi/timing/jobs?bucket=raw: jobs submitted in the range with each lifecycle time.</summary>
    public Task<IReadOnlyList<JobSample>> GetJobsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        ReadAllAsync<JobSample>("/api/kpi/timing/jobs", from, to, ct, ("bucket", "raw"));

    /// <summary>GET /api/kpi/anomalies: hourly scores of a function's (or the network's) series.</summary>
    public Task<IReadOnlyList<AnomalySample>> GetAnomaliesAsync(DateTimeOffset from, DateTimeOffset to, string metric, string? contract,
        string? function, CancellationToken ct) =>
        ReadAllAsync<AnomalySample>("/api/kpi/anomalies", from, to, ct, ("metric", metric), ("contract", contract), ("function", function));

    private async Task<IReadOnlyList<T>> ReadAllAsync<T>(string path, DateTimeOffset from, DateTimeOffset to, CancellationToken ct,
        params (string Key, string? Value)[] query)
    {
        var rows = new List<T>();
        var fixedQuery = string.Concat(query.Where(q => q.Value is not null).Select(q => $"&{q.Key}={Uri.EscapeDataString(q.Value!)}"));
        for (var page = 1; page <= MaxPages; page++)
        {
            var url = $"{path}?from={Seconds(from)}&to={Seconds(to)}&page={page}&pageSize={PageSize}{fixedQuery}";
            using var response = await http.GetAsync(url, ct);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(ct);
                throw new HttpRequestException($"analytics answered {url} with {(int)response.StatusCode}: {body}", null, response.StatusCode);
            }
            var answer = await response.Content.ReadFromJsonAsync<Page<T>>(ct)
                ?? throw new HttpRequestException($"analytics answered {url} with an empty body");
            rows.AddRange(answer.Items);
            if (answer.Items.Count < PageSize || rows.Count >= answer.TotalCount)
            {
                return rows;
            }
        }
        throw new HttpRequestException($"{path} from {from:O} to {to:O} has more than {MaxPages * PageSize} rows: the rule's window is too long");
    }

    /// <summary>Unix seconds: block times have one-second resolution, and the API takes them as they are.</summary>
    private static string Seconds(DateTimeOffset t) => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private sealed record Page<T>(IReadOnlyList<T> Items, long TotalCount);
}

/// <summary>GET /api/pipeline/status of Ciro.Analytics.</summary>
public sealed record PipelineStatus(string IndexerState, string? Reason, DateTimeOffset? Since, long? NewestBlock,
    DateTimeOffset? NewestBlockTime, double? NewestBlockAgeSeconds, DateTimeOffset CheckedAt);

public sealed record LastEvent(string Name, long HeadBlock, DateTimeOffset HeadTime, long? BlockNumber, DateTimeOffset? BlockTime);

/// <summary>The fields the rules use of analytics' GasTxRow (raw gas): a transaction calling a function.</summary>
public sealed record GasCall(long BlockNumber, DateTimeOffset BlockTime, string? Sender, string Contract, string Function,
    string Status, long L2Gas, string Fee, string FeeUnit);

/// <summary>The fields the rules use of analytics' BlockRow (raw network).</summary>
public sealed record BlockSample(long BlockNumber, DateTimeOffset BlockTime, double? IntervalSeconds, int Transactions, long L2Gas,
    double UtilisationOfLimit, string? L2GasPriceFri);

/// <summary>Analytics' JobRow: a job with the first time of each lifecycle event (null = not yet).</summary>
public sealed record JobSample(string JobId, string? Worker, DateTimeOffset? SubmittedAt, DateTimeOffset? AllocatedAt,
    DateTimeOffset? AssignedAt, DateTimeOffset? CompletedAt);

/// <summary>Analytics' AnomalyRow: one scored hour.</summary>
public sealed record AnomalySample(DateTimeOffset Hour, double? Value, double Score, double? Expected, bool WarmingUp, string Explanation, string? Driver);
