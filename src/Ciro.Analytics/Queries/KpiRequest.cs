using System.Globalization;
using System.Reflection;
using System.Text;
using Ciro.Starknet;

namespace Ciro.Analytics.Queries;

/// <summary>A validated KPI request: [From, To) in UTC; bucketed answers cover every bucket that overlaps it.</summary>
public sealed record KpiRequest(
    DateTimeOffset From, DateTimeOffset To, string Bucket, Felt? Contract, string? FunctionName, Felt? Selector,
    Felt? Worker, string? Metric, int Page, int PageSize, bool Csv)
{
    /// <summary>A cache identity: everything that changes the answer (not the output format).</summary>
    public object CacheIdentity => new
    {
        From, To, Bucket, Contract = Contract?.ToString(), FunctionName, Selector = Selector?.ToString(), Worker = Worker?.ToString(), Metric, Page, PageSize,
    };
}

/// <summary>One page of a table answer, with the range and bucket actually used and notes on definitions.</summary>
public sealed record TablePage<T>(
    IReadOnlyList<T> Items, int Page, int PageSize, long TotalCount, string Bucket, DateTimeOffset From, DateTimeOffset To,
    IReadOnlyList<string> Notes)
{
    public static TablePage<T> Of(IReadOnlyList<T> all, KpiRequest request, params string[] notes) =>
        new(all.Skip((request.Page - 1) * request.PageSize).Take(request.PageSize).ToList(), request.Page, request.PageSize,
            all.Count, request.Bucket, request.From, request.To, notes);
}

/// <summary>CSV of a page's items (RFC 4180 quoting), columns = the row record's properties in order.</summary>
public static class Csv
{
    public static string Write<T>(IEnumerable<T> rows)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var builder = new StringBuilder();
        builder.AppendJoin(',', properties.Select(p => Quote(char.ToLowerInvariant(p.Name[0]) + p.Name[1..]))).Append("\r\n");
        foreach (var row in rows)
        {
            builder.AppendJoin(',', properties.Select(p => Quote(Format(p.GetValue(row))))).Append("\r\n");
        }
        return builder.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string value)
    {
        // Leading = + - @ would be formulas in a spreadsheet; a quote prefix keeps them text.
        if (value.Length > 0 && "=+-@".Contains(value[0]) && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
