using Ciro.Analytics.Rollups;
using Npgsql;

namespace Ciro.Analytics.Queries;

/// <summary>Use of one contract function in one bucket (or over the whole range, when no bucket was asked for:
/// BucketStart is then the range start). The range covers the whole hours it overlaps. Calls counts every call
/// (a multicall calling it twice counts 2); callers are transaction senders; a caller is new when it never called
/// this function before the bucket's start (or the range's first hour, if later), returning otherwise.</summary>
public sealed record UsageRow(DateTimeOffset BucketStart, string Contract, string Function, string Selector, long Calls, long Transactions, long UniqueCallers, long NewCallers, long ReturningCallers);

/// <summary>Transactions calling the filtered functions per UTC hour of day, summed over the range.</summary>
public sealed record BusyHourRow(int HourOfDay, long Transactions, double Share);

public sealed class UsageKpis(NpgsqlDataSource dataSource)
{
    /// <summary>Bucket "range" = one row per function over the whole range.</summary>
    public const string WholeRange = "range";

    /// <summary>
    /// Read from the usage rollups, never from raw calls, over the hours overlapping [From, To): hour rows at the
    /// range's edges, and for the whole days inside it (bucket day, week or the range) the day counts of
    /// <c>ciro.usage_returns</c>, where each day's callers are grouped by the day of their previous call: a caller is
    /// in days [a, b) once with a previous day before a, so distinct callers over them = callers with previous day
    /// before a (~2,800 rows for 30 days of the year's busiest function, where its per-sender rows are ~351,000).
    /// The edge hours' callers (per sender, from <c>ciro.usage_callers</c>) are added unless they also call in the
    /// bucket's days (an index probe per edge caller). Hourly buckets, ranges without a whole day and the function
    /// name filter (the day counts are per selector, not per name) group the per-sender rows as before: their cost
    /// grows with hours × functions × callers.
    /// </summary>
    public async Task<TablePage<UsageRow>> GetAsync(KpiRequest request, CancellationToken ct)
    {
        // Bucket starts by date_trunc (UTC; weeks start Monday, as Buckets.Floor); the unit is a validated constant.
        // daysEnd: where the days of bucket e.b end (the range's whole days end at $5).
        string Bucket(string column) => request.Bucket switch
        {
            WholeRange => "$1::timestamptz",
            Buckets.Hour => column,
            Buckets.Day or Buckets.Week => $"date_trunc('{request.Bucket}', {column}, 'UTC')",
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Bucket, "usage buckets are range, hour, day, week"),
        };
        string NewSince(string bucket) => request.Bucket == WholeRange ? "$3" : $"greatest({bucket}, $3)";
        var daysEnd = request.Bucket switch
        {
            Buckets.Day => "least(e.b + interval '24 hours', $5)",
            Buckets.Week => "least(e.b + interval '168 hours', $5)",
            _ => "$5",
        };
        // Hours [firstHour, To); of them the whole days [firstDay, endDay) come from day rows (never for hourly buckets).
        var firstHour = Buckets.Floor(request.From, Buckets.Hour);
        var (firstDay, endDay) = (Buckets.Ceiling(firstHour, Buckets.Day), Buckets.Floor(Buckets.Ceiling(request.To, Buckets.Hour), Buckets.Day));
        if (request.Bucket == Buckets.Hour || firstDay >= endDay)
        {
            (firstDay, endDay) = (request.To, request.To);
        }
        var byDays = firstDay < endDay && request.FunctionName is null;
        var (filter, values) = GasKpis.Filter(request, 6);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // A caller is new when its first call of the function (ciro.function_callers, kept with the same ledger) is at
        // or after the bucket start, or the range's first hour if later. The empty sender holds the transactions
        // without a sender: calls and transactions, not a caller.
        await using var command = new NpgsqlCommand(byDays ? $"""
            with r as (
              select {Bucket("day")} as b, contract, selector, max(function_name) as fn, sum(calls)::bigint as n, sum(txs)::bigint as txs,
                     coalesce(sum(callers) filter (where prev_day < greatest({Bucket("day")}, $4)), 0)::bigint as callers,
                     coalesce(sum(callers) filter (where prev_day = '-infinity'), 0)::bigint as fresh
              from ciro.usage_returns
              where day >= $4 and day < $5 {filter}
              group by 1, contract, selector),
            e as (
              select {Bucket("bucket_start")} as b, contract, selector, sender, max(function_name) as fn, sum(calls) as n, sum(txs) as txs,
                     bool_or(bucket_start < $4) as leading
              from ciro.usage_callers
              where bucket = 'hour' and ((bucket_start >= $3 and bucket_start < $4) or (bucket_start >= $5 and bucket_start < $2)) {filter}
              group by 1, contract, selector, sender),
            edges as (
              -- An edge caller counts unless it calls in the bucket's days too (then the days count it).
              select e.b, e.contract, e.selector, max(e.fn) as fn, sum(e.n)::bigint as n, sum(e.txs)::bigint as txs,
                     count(*) filter (where e.sender <> '\x'::bytea and not d.in_days) as callers, 0::bigint as fresh
              from e
              cross join lateral (
                select exists (select 1 from ciro.usage_callers x
                               where x.bucket = 'day' and x.contract = e.contract and x.selector = e.selector and x.sender = e.sender
                                 and x.bucket_start >= greatest(e.b, $4) and x.bucket_start < {daysEnd}) as in_days) d
              group by e.b, e.contract, e.selector),
            f as (
              -- New callers whose first call is in the edge hours (those of the days have no previous day): read by
              -- first_seen, each checked against its hour row (the answer counts rolled-up rows only).
              select {Bucket("f.first_seen")} as b, f.contract, f.selector, null::text as fn, 0::bigint as n, 0::bigint as txs,
                     0::bigint as callers, count(*) as fresh
              from ciro.function_callers f
              where ((f.first_seen >= $3 and f.first_seen < $4) or (f.first_seen >= $5 and f.first_seen < $2 + interval '1 hour'))
                and date_trunc('hour', f.first_seen, 'UTC') < $2 {filter}
                and exists (select 1 from ciro.usage_callers u
                            where u.bucket = 'hour' and u.bucket_start = date_trunc('hour', f.first_seen, 'UTC')
                              and u.contract = f.contract and u.selector = f.selector and u.sender = f.sender)
              group by 1, f.contract, f.selector),
            t as (select * from r union all select * from edges union all select * from f)
            select b, ciro.felt_hex(contract), coalesce(max(fn), ciro.felt_hex(selector)), ciro.felt_hex(selector),
                   sum(n)::bigint, sum(txs)::bigint, sum(callers)::bigint, sum(fresh)::bigint
            from t
            group by b, contract, selector
            order by 1, 5 desc, 2, 4
            """ : $"""
            with u as (
              select bucket_start, contract, selector, sender, function_name, calls, txs from ciro.usage_callers
              where bucket = 'hour' and ((bucket_start >= $3 and bucket_start < $4) or (bucket_start >= $5 and bucket_start < $2)) {filter}
              union all
              select bucket_start, contract, selector, sender, function_name, calls, txs from ciro.usage_callers
              where bucket = 'day' and bucket_start >= $4 and bucket_start < $5 {filter}),
            p as (
              select {Bucket("u.bucket_start")} as b, u.contract, u.selector, u.sender, max(u.function_name) as fn, sum(u.calls) as n, sum(u.txs) as txs
              from u group by 1, u.contract, u.selector, u.sender)
            select p.b, ciro.felt_hex(p.contract), coalesce(max(p.fn), ciro.felt_hex(p.selector)), ciro.felt_hex(p.selector),
                   sum(p.n)::bigint, sum(p.txs)::bigint,
                   count(*) filter (where p.sender <> '\x'::bytea),
                   count(*) filter (where p.sender <> '\x'::bytea and f.first_seen >= {NewSince("p.b")})
            from p
            left join ciro.function_callers f on f.contract = p.contract and f.selector = p.selector and f.sender = p.sender
            group by p.b, p.contract, p.selector
            order by 1, 5 desc, 2, 4
            """, connection);
        command.Parameters.AddWithValue(request.From);
        command.Parameters.AddWithValue(request.To);
        command.Parameters.AddWithValue(firstHour);
        command.Parameters.AddWithValue(firstDay);
        command.Parameters.AddWithValue(endDay);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        var rows = new List<UsageRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var unique = reader.GetInt64(6);
            var fresh = reader.GetInt64(7);
            rows.Add(new UsageRow(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetInt64(5), unique, fresh, unique - fresh));
        }
        return TablePage<UsageRow>.Of(rows, request,
            "Read from the usage rollups (per caller for the edge hours, per day by previous call for whole days): every hour overlapping the range, up to the newest rolled-up block (newer blocks are not counted yet); " +
            "exact distinct callers; transactions without a sender count as calls and transactions but not as callers.");
    }

    /// <summary>From hourly gas rollups (transactions per function per hour), so long ranges stay cheap.</summary>
    public async Task<TablePage<BusyHourRow>> GetBusiestHoursAsync(KpiRequest request, CancellationToken ct)
    {
        var (filter, values) = GasKpis.Filter(request, 4);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var set = await RollupStore.LoadAsync<GasRollup, GasKey>(connection, null, Buckets.Hour,
            Buckets.Floor(request.From, Buckets.Hour), request.To, t => t, ct, filter, values);
        var byHour = new long[24];
        foreach (var row in set.Rows)
        {
            byHour[row.BucketStart.UtcDateTime.Hour] += row.TxCount;
        }
        var total = byHour.Sum();
        var rows = Enumerable.Range(0, 24)
            .Select(h => new BusyHourRow(h, byHour[h], total == 0 ? 0 : Math.Round((double)byHour[h] / total, 6)))
            .OrderByDescending(r => r.Transactions).ThenBy(r => r.HourOfDay).ToList();
        return TablePage<BusyHourRow>.Of(rows, request, "Hours are UTC; a transaction calling several matching functions counts once per function.");
    }
}
