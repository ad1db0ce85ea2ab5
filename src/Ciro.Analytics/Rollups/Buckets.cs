namespace Ciro.Analytics.Rollups;

/// <summary>UTC bucket arithmetic shared by rollups and queries. Weeks start on Monday (ISO, as date_trunc).</summary>
public static class Buckets
{
    public const string Hour = "hour";
    public const string Day = "day";
    public const string Week = "week";

    public static DateTimeOffset Floor(DateTimeOffset t, string bucket)
    {
        var u = t.ToUniversalTime();
        return bucket switch
        {
            Hour => new DateTimeOffset(u.Year, u.Month, u.Day, u.Hour, 0, 0, TimeSpan.Zero),
            Day => new DateTimeOffset(u.Year, u.Month, u.Day, 0, 0, 0, TimeSpan.Zero),
            Week => new DateTimeOffset(u.Year, u.Month, u.Day, 0, 0, 0, TimeSpan.Zero).AddDays(-(((int)u.DayOfWeek + 6) % 7)),
            _ => throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "hour, day or week"),
        };
    }

    public static TimeSpan Length(string bucket) => bucket switch
    {
        Hour => TimeSpan.FromHours(1),
        Day => TimeSpan.FromDays(1),
        Week => TimeSpan.FromDays(7),
        _ => throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "hour, day or week"),
    };

    public static DateTimeOffset Ceiling(DateTimeOffset t, string bucket)
    {
        var floor = Floor(t, bucket);
        return floor == t ? floor : floor + Length(bucket);
    }
}
