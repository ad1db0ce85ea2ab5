namespace Ciro.Analytics.Anomalies;

public sealed record DetectorOptions
{
    /// <summary>Points seen before any score is given (baseline warm-up): one week of hourly points, so every
    /// hour-of-week slot has been seen once and weekends are not news.</summary>
    public int WarmUp { get; init; } = 168;
    /// <summary>Samples an hour-of-day slot needs before its offset is trusted (the minimum-sample floor).</summary>
    public int MinSlotSamples { get; init; } = 3;
    /// <summary>Samples an hour-of-week slot needs (the same hour last week is the classic seasonal baseline).</summary>
    public int MinWeekSlotSamples { get; init; } = 1;
    public double LevelAlpha { get; init; } = 0.03;
    public double SeasonAlpha { get; init; } = 0.15;
    public double ScaleAlpha { get; init; } = 0.03;
    /// <summary>|z| at which the point score crosses 0.5.</summary>
    public double PointThreshold { get; init; } = 4.5;
    /// <summary>CUSUM slack and alarm level, in robust standard deviations.</summary>
    public double CusumSlack { get; init; } = 0.75;
    public double CusumLimit { get; init; } = 10;
    /// <summary>Smallest scale relative to the expected value, so a flat series does not divide by zero.</summary>
    public double RelativeScaleFloor { get; init; } = 0.001;
}

public sealed record AnomalyScore(DateTimeOffset Timestamp, double Value, double Score, double? Expected, double? Lower, double? Upper, bool WarmingUp, string Explanation);

/// <summary>
/// Streaming detector for one series, O(1) time and memory per point (168 + 24 slots, a few scalars):
/// expected = seasonal mean of this slot (hour of week once seen, else hour of day after a minimum of samples,
/// else the overall mean) + shift, where shift follows changes common to all slots. Scale = EWMA of absolute
/// residuals × 1.2533 (σ for normal noise). After warm-up, learning uses residuals clipped at ±3 scales
/// (Huber-style), so an outlier does not drag the baseline it is judged against. A point score comes from
/// |z|; a two-sided CUSUM of clipped z catches level shifts and drifts that no single point reveals, and when
/// it fires the shift re-bases so one change is one episode. Score = the larger of the two, squashed to [0, 1]
/// by a logistic curve (0.5 at the threshold).
/// </summary>
public sealed class SeasonalDetector(string series, DetectorOptions? options = null)
{
    private readonly DetectorOptions _o = options ?? new DetectorOptions();
    private readonly double[] _weekMean = new double[168];
    private readonly int[] _weekCount = new int[168];
    private readonly double[] _dayMean = new double[24];
    private readonly int[] _dayCount = new int[24];
    private long _n;
    private double _mean;
    private double _shift;
    private double _meanAbs;
    private double _cusumUp;
    private double _cusumDown;
    private double _recentResidual;

    public string Series { get; } = series;

    public AnomalyScore Observe(DateTimeOffset timestamp, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            // "No data" is its own state, never a zero or a score.
            return new AnomalyScore(timestamp, value, 0, null, null, null, _n < _o.WarmUp, $"{Series}: no value at {timestamp:O}");
        }
        var utc = timestamp.UtcDateTime;
        var day = utc.Hour;
        var week = ((int)utc.DayOfWeek + 6) % 7 * 24 + utc.Hour;
        _n++;
        var (seasonal, baseline) = _weekCount[week] >= _o.MinWeekSlotSamples ? (_weekMean[week], "same hour of week")
            : _dayCount[day] >= _o.MinSlotSamples ? (_dayMean[day], "same hour of day")
            : (_n == 1 ? value : _mean, "overall mean");
        var expected = seasonal + _shift;
        var residual = value - expected;
        var scale = Math.Max(1.2533 * _meanAbs, Math.Max(_o.RelativeScaleFloor * Math.Abs(expected), 1e-9));
        var z = residual / scale;
        var warm = _n > _o.WarmUp;

        double score = 0;
        var explanation = $"{Series}: warming up ({_n}/{_o.WarmUp} points)";
        if (warm)
        {
            var clippedZ = Math.Clamp(z, -5, 5);
            _cusumUp = Math.Max(0, _cusumUp + clippedZ - _o.CusumSlack);
            _cusumDown = Math.Max(0, _cusumDown - clippedZ - _o.CusumSlack);
            var pointScore = Logistic(2 * (Math.Abs(z) - _o.PointThreshold));
            var cusum = Math.Max(_cusumUp, _cusumDown);
            var shiftScore = Logistic(0.6 * (cusum - _o.CusumLimit));
            score = Math.Max(pointScore, shiftScore);
            var kind = shiftScore > pointScore ? (_cusumUp > _cusumDown ? "sustained rise (level shift or drift)" : "sustained fall (level shift or drift)")
                : z >= 0 ? "above" : "below";
            explanation = $"{Series}: observed {value:G6} at {timestamp:yyyy-MM-dd HH:mm}Z, expected {expected:G6} " +
                $"(normal range {expected - 3 * scale:G6} to {expected + 3 * scale:G6}, baseline: {baseline}); {kind}, z = {z:F1}";
            if (cusum > _o.CusumLimit)
            {
                // Accept the new level so the change is reported once, not on every later point.
                _shift += _recentResidual;
                _cusumUp = _cusumDown = 0;
            }
        }

        // Learn. During warm-up nothing is clipped (the baseline is still forming); afterwards residuals are.
        var clipped = warm ? Math.Clamp(residual, -3 * scale, 3 * scale) : residual;
        _recentResidual += 0.3 * (residual - _recentResidual);
        if (warm)
        {
            _shift += _o.LevelAlpha * clipped;
        }
        var deshifted = expected + clipped - _shift;
        var meanAbsInput = warm ? Math.Min(Math.Abs(residual), 4 * scale) : Math.Abs(residual);
        _meanAbs += Math.Max(_o.ScaleAlpha, 1.0 / _n) * (meanAbsInput - _meanAbs);
        _mean += Math.Max(_o.LevelAlpha, 1.0 / _n) * (deshifted - _mean);
        _dayCount[day]++;
        _dayMean[day] += Math.Max(_o.SeasonAlpha, 1.0 / _dayCount[day]) * (deshifted - _dayMean[day]);
        _weekCount[week]++;
        _weekMean[week] += Math.Max(_o.SeasonAlpha, 1.0 / _weekCount[week]) * (deshifted - _weekMean[week]);

        return new AnomalyScore(timestamp, value, Math.Round(score, 4), warm ? expected : null,
            warm ? expected - 3 * scale : null, warm ? expected + 3 * scale : null, !warm, explanation);
    }

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
}

/// <summary>Turns scores into alert episodes with hysteresis: an episode opens at ≥ 0.5 and closes below 0.3,
/// so one incident fires once, not once per point.</summary>
public sealed class EpisodeTracker(double open = 0.5, double close = 0.3)
{
    private bool _open;

    /// <summary>True when this score opens a new episode.</summary>
    public bool Next(double score)
    {
        if (_open)
        {
            _open = score >= close;
            return false;
        }
        _open = score >= open;
        return _open;
    }
}
