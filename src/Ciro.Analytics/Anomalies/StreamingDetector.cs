using System.Text.Json.Serialization;

namespace Ciro.Analytics.Anomalies;

/// <summary>What kind of change a score points at.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeKind>))]
public enum ChangeKind { None, Spike, Dip, Rise, Fall, Variance }

/// <summary>Which expectation the observation was compared with.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Baseline>))]
public enum Baseline { None, RecentLevel, TimeOfDay, TimeOfWeek }

/// <summary>
/// The score of one observation and the evidence behind it. Expected/Lower/Upper are in the series' units;
/// the band holds 99 % of this series' deviations from its expectation. Explanation is rendered on demand, so scoring
/// a long series does not format a sentence per point.
/// </summary>
public sealed record AnomalyScore(string Series, DateTimeOffset Timestamp, double Value, double Score, bool WarmingUp,
    bool EpisodeStart, double? Expected, double? Lower, double? Upper, Baseline Baseline, ChangeKind Kind)
{
    public string Explanation => WarmingUp
        ? $"{Series}: warming up (no score until the baseline has seen enough history)"
        : double.IsNaN(Value)
            ? $"{Series}: no value at {Timestamp:yyyy-MM-dd HH:mm:ss}Z (no data, not zero)"
            : $"{Series}: observed {Value:G6} at {Timestamp:yyyy-MM-dd HH:mm:ss}Z, expected {Expected:G6} (normal range " +
              $"{Lower:G6} to {Upper:G6}, baseline: {BaselineText(Baseline)}); {KindText(Kind)}, score {Score:F2}";

    private static string BaselineText(Baseline b) => b switch
    {
        Baseline.TimeOfDay => "same time of day",
        Baseline.TimeOfWeek => "same time of week",
        _ => "recent level",
    };

    private static string KindText(ChangeKind k) => k switch
    {
        ChangeKind.Spike => "spike above the expected range",
        ChangeKind.Dip => "dip below the expected range",
        ChangeKind.Rise => "sustained rise (level shift or drift)",
        ChangeKind.Fall => "sustained fall (level shift or drift)",
        ChangeKind.Variance => "variance change (larger deviations than usual, both ways)",
        _ => "within the normal range",
    };
}

public sealed record DetectorOptions
{
    /// <summary>Fewest observations before any score. The warm-up lasts at least one day of data (at most
    /// WarmUpMaxPoints observations), so the series' time-of-day pattern has been seen once.</summary>
    public int WarmUpMinPoints { get; init; } = 100;
    public int WarmUpMaxPoints { get; init; } = 2000;
    /// <summary>Smoothing of the recent level, per observation.</summary>
    public double LevelAlpha { get; init; } = 0.15;
    /// <summary>Smoothing of each time-of-day / time-of-week slot, per visit of the slot.</summary>
    public double SeasonAlpha { get; init; } = 0.1;
    /// <summary>A seasonal baseline replaces the recent level only when its error is below this share of the
    /// recent level's error.</summary>
    public double SeasonalGain { get; init; } = 0.85;
    /// <summary>Smoothing of the short-term mean of deviations (a shift or drift that no single point shows).</summary>
    public double ShortAlpha { get; init; } = 0.15;
    /// <summary>Smoothing of the short-term mean square of deviations (a variance change).</summary>
    public double VarianceAlpha { get; init; } = 0.1;
    /// <summary>How long records are remembered, in observations (they fade exponentially).</summary>
    public double MemoryPoints { get; init; } = 20000;
    /// <summary>Score 0.5 for a deviation RecordRatio times the largest one remembered, or TailRatio times
    /// the 99th percentile of deviations, whichever is larger.</summary>
    public double RecordRatio { get; init; } = 3;
    public double TailRatio { get; init; } = 2;
    /// <summary>Score 0.5 for a value this many times further from the expectation than the remembered
    /// highest (or lowest) value.</summary>
    public double EnvelopeRatio { get; init; } = 2;
    /// <summary>Non-negative series are modelled as log(value + LogOffset × their mean magnitude): their noise
    /// grows with their level (counts, gas, fees). 0 turns this off.</summary>
    public double LogOffset { get; init; } = 0.1;
    /// <summary>How fast a score approaches 0 or 1 away from the 0.5 point (ratio^Steepness / (1 + ratio^Steepness)).</summary>
    public double Steepness { get; init; } = 3;
    /// <summary>The scale of deviations is at least this share of the series' usual spread, so a noiseless signal
    /// (whose learned profile is never exactly right) does not divide by almost nothing.</summary>
    public double SpreadFloor { get; init; } = 0.05;
    /// <summary>Episode hysteresis: an episode opens at a score ≥ Open and closes after CloseAfter observations
    /// and at least QuietTime below Close; while it is open, later observations report at most OngoingCap.</summary>
    public double Open { get; init; } = 0.5;
    public double Close { get; init; } = 0.3;
    public int CloseAfter { get; init; } = 12;
    public TimeSpan QuietTime { get; init; } = TimeSpan.FromDays(1);
    public double OngoingCap { get; init; } = 0.49;
    /// <summary>Half-life, in observations, of the recent peak of scores: a score below it is reported as 0.</summary>
    public double RepeatHalfLife { get; init; } = 100;
    /// <summary>This many outliers in a row on one side are a new level: the recent level jumps to it.</summary>
    public int RebaseAfter { get; init; } = 3;
    /// <summary>The log scale is used only when the first values vary at least this much (coefficient of variation).</summary>
    public double LogMinVariation { get; init; } = 0.2;
}

/// <summary>
/// Streaming anomaly detector for one series: O(1) time and memory per observation (at most 288 time-of-day
/// and 336 time-of-week slots and a few scalars). Observations must come in time order; equal timestamps are
/// allowed. The design is described in src/Ciro.Analytics/README.md, "Anomaly detector".
/// </summary>
public sealed class StreamingDetector(string series, DetectorOptions? options = null)
{
    private const long Day = TimeSpan.TicksPerDay;
    private const long Week = 7 * TimeSpan.TicksPerDay;
    private readonly DetectorOptions _o = options ?? new DetectorOptions();
    private readonly long[] _steps = new long[31];
    private int _stepCount;
    private long _interval;
    private long _lastTicks = long.MinValue;
    private long _n;
    private long _warmUpStart, _warmUpEnd = long.MaxValue;
    private double _startSum, _startSquares, _startMin = double.MaxValue, _logOffset;
    private Predictor? _level, _daily, _weekly, _chosen;
    private double _spread;
    private double _typical;
    private double _short;
    // Calibration: the 99th percentiles and remembered records of the point and short-term deviations, and
    // the envelope (highest and lowest transformed values remembered).
    private double _tail = double.NaN, _shortTail = double.NaN;
    private double _record, _shortRecord;
    private double _variance = 1, _varianceTail = double.NaN;
    private readonly List<double> _warmVariance = [];
    private double _peak;
    private double _high = double.NaN, _low = double.NaN;
    private readonly List<double> _warmZ = [];
    private readonly List<double> _warmShort = [];
    private bool _open;
    private int _quiet;

    public string Series { get; } = series;

    /// <summary>Sampling interval inferred from the timestamps (median of the first 31 positive steps); null until known.</summary>
    public TimeSpan? Interval => _interval > 0 ? TimeSpan.FromTicks(_interval) : null;

    public AnomalyScore Observe(DateTimeOffset timestamp, double value)
    {
        var ticks = timestamp.UtcTicks;
        if (_lastTicks != long.MinValue && ticks < _lastTicks)
        {
            throw new ArgumentException($"timestamp {timestamp:O} is before the previous one; observations must be in time order", nameof(timestamp));
        }
        if (!double.IsFinite(value))
        {
            // "No data" is its own state: neither a zero nor a score, and the baseline does not move.
            return new AnomalyScore(Series, timestamp, double.NaN, 0, _n < _warmUpEnd, false, null, null, null, Baseline.None, ChangeKind.None);
        }
        var gap = false;
        if (_lastTicks != long.MinValue && ticks > _lastTicks)
        {
            var step = ticks - _lastTicks;
            if (_interval == 0)
            {
                _steps[_stepCount++] = step;
            }
            else
            {
                gap = step > 5 * _interval;
            }
        }
        _lastTicks = ticks;
        _n++;
        if (_interval == 0)
        {
            _startSum += Math.Abs(value);
            _startSquares += value * value;
            _startMin = Math.Min(_startMin, value);
            if (_stepCount == _steps.Length)
            {
                StartModels();
            }
            return new AnomalyScore(Series, timestamp, value, 0, true, false, null, null, null, Baseline.None, ChangeKind.None);
        }
        var y = _logOffset > 0 ? Math.Log(Math.Max(value, 0) + _logOffset) : value;

        // Expectation: the recent level, or the time-of-day / time-of-week profile when it predicts better.
        var chosen = _level!;
        if (_daily is { } d && d.Ready(ticks) && d.SlowError < _o.SeasonalGain * chosen.SlowError)
        {
            chosen = d;
        }
        if (_weekly is { } w && w.Ready(ticks) && w.SlowError < _o.SeasonalGain * chosen.SlowError)
        {
            chosen = w;
        }
        var expected = chosen.Predict(ticks);
        var floor = Math.Max(_o.SpreadFloor * _spread, 1e-9 * Math.Abs(expected) + 1e-12);
        var scale = Math.Max(1.2533 * chosen.Error, floor);
        var z = (y - expected) / scale;
        if (chosen != _chosen)
        {
            _short = 0; // a new baseline starts its own short-term evidence
            _chosen = chosen;
        }
        if (gap)
        {
            // Evidence does not carry across a gap in the data.
            _short = 0;
            _variance = 1;
        }
        // The short-term mean compares with the slow expectation (long level + time-of-day/week offset), so a
        // shift, a drift or a broken daily pattern shows even where the recent level follows it.
        var slowZ = (y - chosen.SlowPredict(ticks)) / Math.Max(1.2533 * chosen.SlowError, floor);
        var cap = double.IsNaN(_tail) ? 10 : _o.TailRatio * _tail;
        _short += _o.ShortAlpha * (Math.Clamp(slowZ, -cap, cap) - _short);
        var shortZ = Math.Abs(_short) / Math.Sqrt(_o.ShortAlpha / (2 - _o.ShortAlpha));
        // The short-term mean square of the deviation that no baseline explains (a smooth pattern the recent level
        // follows is not more variance, even where a seasonal profile is coarser than the sampling).
        // It is measured against the typical deviation of about a week (not against the baselines' errors, which
        // follow a day of data and would absorb a variance change before the short-term mean square shows it).
        // The deviation no baseline explains: the smallest of the ready baselines' (a switch between baselines is
        // not a change of variance).
        var deviation = Math.Min(Math.Abs(y - expected), Math.Abs(y - _level!.Predict(ticks)));
        if (_daily is { } day && day.Ready(ticks))
        {
            deviation = Math.Min(deviation, Math.Abs(y - day.Predict(ticks)));
        }
        if (_weekly is { } week && week.Ready(ticks))
        {
            deviation = Math.Min(deviation, Math.Abs(y - week.Predict(ticks)));
        }
        var typical = Math.Max(1.2533 * _typical, floor);
        var unexplained = deviation / typical;
        _variance += _o.VarianceAlpha * (Math.Min(unexplained * unexplained, 16) - _variance);
        _typical += Math.Max(1 / Math.Clamp(7 * (double)Day / _interval, 168, 10000), 1.0 / (_n - _warmUpStart + 1)) * (Math.Min(deviation, 4 * typical) - _typical);

        var warming = _n <= _warmUpEnd;
        double score = 0;
        var kind = ChangeKind.None;
        var episodeStart = false;
        if (warming)
        {
            // Calibration starts from the second half of the warm-up, once the baselines have settled.
            if (2 * (_warmUpEnd - _n) < _warmUpEnd - _warmUpStart)
            {
                _warmZ.Add(Math.Abs(z));
                _warmShort.Add(shortZ);
                _warmVariance.Add(_variance);
            }
            if (_n == _warmUpEnd)
            {
                _tail = Math.Max(Quantile(_warmZ, 0.99), 1);
                _shortTail = Math.Max(Quantile(_warmShort, 0.99), 1);
                _varianceTail = Math.Max(Quantile(_warmVariance, 0.99), 1);
                _record = Math.Max(_warmZ[^1], _tail);
                _shortRecord = Math.Max(_warmShort[^1], _shortTail);
                _warmZ.Clear();
                _warmShort.Clear();
                _warmVariance.Clear();
            }
        }
        else
        {
            var fade = Math.Exp(-1 / _o.MemoryPoints);
            _record *= fade;
            _shortRecord *= fade;
            _high -= (_high - expected) * (1 - fade);
            _low -= (_low - expected) * (1 - fade);
            // Ranking evidence (any value in [0, 1]): how unusual this point is for this series.
            var point = Squash(Math.Abs(z) / Math.Max(_o.TailRatio * _tail, _o.RecordRatio * _record));
            var sustained = Squash(shortZ / Math.Max(_o.TailRatio * _shortTail, _o.RecordRatio * _shortRecord));
            // How far from the expectation, compared with how far the remembered highest (lowest) value lies from
            // it (at least one scale: the expectation can sit at or beyond the record).
            var beyond = y > expected ? (y - expected) / Math.Max(_high - expected, scale) : (expected - y) / Math.Max(expected - _low, scale);
            var envelope = Squash(beyond / _o.EnvelopeRatio);
            var ranking = Math.Max(Math.Max(point, sustained), envelope);
            // Change evidence (counts only from 0.5 up: it decides, it does not rank): the short-term mean and
            // mean square of the deviations against their own slowly tracked 99th percentiles, without the
            // records, so a drift, a shift, a broken daily cycle or a variance change is found within tens of
            // observations. Only once the daily profile could be known: before that a daily cycle is a "change".
            var complete = _daily is null || _daily.Ready(ticks);
            var shift = complete ? Squash(shortZ / (_o.TailRatio * _shortTail)) : 0;
            var variance = complete ? Squash(_variance / (_o.TailRatio * _varianceTail)) : 0;
            shift = shift >= _o.Open ? shift : 0;
            variance = variance >= _o.Open ? variance : 0;
            score = Math.Max(ranking, Math.Max(shift, variance));
            kind = score < _o.Close ? ChangeKind.None
                : variance >= Math.Max(ranking, shift) ? ChangeKind.Variance
                : Math.Max(sustained, shift) > Math.Max(point, envelope) ? (_short > 0 ? ChangeKind.Rise : ChangeKind.Fall)
                : y > expected ? ChangeKind.Spike : ChangeKind.Dip;
            _record = Math.Max(_record, Math.Abs(z));
            _shortRecord = Math.Max(_shortRecord, shortZ);
            _tail = TrackTail(_tail, Math.Abs(z), 0.1);
            // Short-term statistics are autocorrelated: their percentiles move ten times slower, or a change
            // would become the new normal within a few observations of it.
            _shortTail = TrackTail(_shortTail, shortZ, 0.01);
            _varianceTail = TrackTail(_varianceTail, _variance, 0.01);
            if (!_open && score >= _o.Open)
            {
                _open = episodeStart = true;
                _quiet = 0;
            }
            else if (_open)
            {
                // The change evidence keeps an episode open but is not reported again inside it.
                _quiet = score < _o.Close ? _quiet + 1 : 0;
                _open = _quiet < Math.Max(_o.CloseAfter, _o.QuietTime.Ticks / _interval);
                score = Math.Min(ranking, _o.OngoingCap);
            }
            // Only news is reported: a score below the recent peak of scores (decaying with a half-life of
            // RepeatHalfLife observations) is reported as 0, so one disturbance does not count many times.
            var raw = score;
            score = raw >= _peak ? raw : 0;
            _peak = Math.Max(_peak * Math.Exp(-Math.Log(2) / _o.RepeatHalfLife), raw);
        }

        var normal = (double.IsNaN(_tail) ? 3 : _tail) * scale;
        _high = double.IsNaN(_high) ? y : Math.Max(_high, y);
        _low = double.IsNaN(_low) ? y : Math.Min(_low, y);
        _level!.Learn(ticks, y, _o, floor);
        _daily?.Learn(ticks, y, _o, floor);
        _weekly?.Learn(ticks, y, _o, floor);
        _spread += Math.Max(0.01, 1.0 / _n) * (Math.Abs(y - _level.LongLevel) - _spread);
        return new AnomalyScore(Series, timestamp, value, score, warming, episodeStart,
            warming ? null : Units(expected), warming ? null : Units(expected - normal), warming ? null : Units(expected + normal),
            chosen.Baseline, kind);
    }

    private double Units(double y) => _logOffset > 0 ? Math.Exp(y) - _logOffset : y;

    private void StartModels()
    {
        var sorted = (long[])_steps.Clone();
        Array.Sort(sorted);
        _interval = sorted[sorted.Length / 2];
        var mean = _startSum / _n;
        var cv = Math.Sqrt(Math.Max(0, _startSquares / _n - mean * mean)) / mean;
        if (_o.LogOffset > 0 && _startMin >= 0 && _startSum > 0 && cv >= _o.LogMinVariation)
        {
            _logOffset = _o.LogOffset * _startSum / _n;
        }
        var perDay = (double)Day / _interval;
        _warmUpStart = _n;
        _warmUpEnd = _n + (long)Math.Clamp(perDay, _o.WarmUpMinPoints, _o.WarmUpMaxPoints);
        _level = new Predictor(Baseline.RecentLevel, 0, 0, _interval, perDay);
        if (_interval <= Day / 12)
        {
            _daily = new Predictor(Baseline.TimeOfDay, Day, Math.Max(_interval, Day / 288), _interval, perDay);
        }
        if (_interval <= Day / 2)
        {
            _weekly = new Predictor(Baseline.TimeOfWeek, Week, Math.Max(_interval, Week / 336), _interval, perDay);
        }
    }

    /// <summary>Stochastic tracking of the 99th percentile in log space: up by step when exceeded, down a little
    /// otherwise, so that at equilibrium 1 % of observations exceed it.</summary>
    private static double TrackTail(double q, double x, double step) => q * Math.Exp(x > q ? step : -step * 0.01 / 0.99);

    /// <summary>0.5 at ratio 1; keeps its order far out (a 20× deviation outranks a 3× one), so one threshold
    /// can serve many series.</summary>
    private double Squash(double ratio)
    {
        var r = Math.Pow(ratio, _o.Steepness);
        return double.IsPositiveInfinity(r) ? 1 : r / (1 + r);
    }

    private static double Quantile(List<double> values, double p)
    {
        values.Sort();
        return values[Math.Min(values.Count - 1, (int)(p * values.Count))];
    }

    /// <summary>One expectation: a short-memory level of the de-seasonalised values plus, for seasonal
    /// predictors, the mean offset of this slot of the day or week from the long-memory level.</summary>
    private sealed class Predictor
    {
        private readonly double[]? _offsets;
        private readonly int[]? _visits;
        private readonly long _period;
        private readonly double _slot, _centre;
        private readonly double _errorAlpha;
        private long _start = long.MinValue;
        private double _short, _long;
        private bool _started;
        private int _count;
        private int _outliers;

        public Predictor(Baseline baseline, long period, long slot, long interval, double perDay)
        {
            Baseline = baseline;
            _period = period;
            if (period > 0)
            {
                // Whole slots per period, so the profile wraps around without a short last slot.
                var slots = (int)Math.Max(2, period / slot);
                _slot = (double)period / slots;
                // The mean position in its slot of an observation on the sampling grid: the start of the slot when
                // the slot is one interval long (then the profile is an exact step per observation), its middle
                // when there are many observations per slot.
                _centre = Math.Max(0, _slot - interval) / 2;
                _offsets = new double[slots];
                _visits = new int[slots];
            }
            // The error that decides between predictors is averaged over about a day of data.
            _errorAlpha = 1 / Math.Clamp(perDay, 24, 1000);
        }

        public Baseline Baseline { get; }
        /// <summary>Mean absolute one-step error of Predict.</summary>
        public double Error { get; private set; }
        /// <summary>Mean absolute error of the slow expectation (long level + slot offset): how much of the
        /// series' variation this baseline leaves unexplained.</summary>
        public double SlowError { get; private set; }
        public double LongLevel => _long;

        /// <summary>The slot offsets have learned for two full periods (after the day the long level needs to settle).</summary>
        public bool Ready(long ticks) => _start != long.MinValue && ticks - _start >= 2 * _period + Day;

        /// <summary>The two slots whose centres enclose this time of the period, and the weight of the second.
        /// The profile is linear between slot centres: a smooth cycle sampled finer than the slots is then followed
        /// closely instead of as a staircase (whose steps would look like deviations at the steep parts).</summary>
        private (int First, int Second, double Weight) Position(long ticks)
        {
            var p = (ticks % _period - _centre) / _slot;
            if (p < 0)
            {
                p += _offsets!.Length;
            }
            var first = (int)p;
            return (first % _offsets!.Length, (first + 1) % _offsets.Length, p - first);
        }

        private double Offset(long ticks)
        {
            if (_offsets is null)
            {
                return 0;
            }
            var (a, b, w) = Position(ticks);
            return (_visits![a] > 0, _visits[b] > 0) switch
            {
                (true, true) => (1 - w) * _offsets[a] + w * _offsets[b],
                (true, false) => _offsets[a],
                (false, true) => _offsets[b],
                _ => 0,
            };
        }

        public double Predict(long ticks) => _short + Offset(ticks);

        public double SlowPredict(long ticks) => _long + Offset(ticks);

        public void Learn(long ticks, double x, DetectorOptions o, double floor)
        {
            if (!_started)
            {
                _started = true;
                _start = ticks;
                _short = _long = x;
                Error = 0;
                return;
            }
            var offset = Offset(ticks);
            var residual = x - (_short + offset);
            var slow = x - (_long + offset);
            // The same floor as the score's: on a noiseless series the error tends to 0 and the smallest imperfection
            // of a profile still learning would otherwise count as an outlier (and three of them as a new level).
            var scale = Math.Max(1.2533 * Error, floor);
            // Huber-style: an outlier moves the baseline no more than 3 scales' worth.
            var settled = ++_count > 10;
            var clipped = settled ? Math.Clamp(residual, -3 * scale, 3 * scale) : residual;
            var weight = Math.Max(_errorAlpha, 1.0 / _count);
            Error += weight * ((settled ? Math.Min(Math.Abs(residual), 4 * scale) : Math.Abs(residual)) - Error);
            SlowError += weight * ((settled ? Math.Min(Math.Abs(slow), 4 * 1.2533 * SlowError) : Math.Abs(slow)) - SlowError);
            var y = _short + offset + clipped;
            // Three outliers in a row on the same side are a new level, not outliers: follow it at once
            // (clipping alone would take hundreds of observations to get there).
            _outliers = clipped == residual ? 0 : Math.Sign(residual) == Math.Sign(_outliers) ? _outliers + Math.Sign(residual) : Math.Sign(residual);
            if (o.RebaseAfter > 0 && Math.Abs(_outliers) >= o.RebaseAfter)
            {
                _short = x - offset;
                _outliers = 0;
            }
            _short += o.LevelAlpha * (y - offset - _short);
            _long += _errorAlpha * (y - offset - _long);
            // Offsets are learned once the long level has seen a day: before that they would hold its start-up error.
            // Each slot learns the mean offset of the observations that fall in it (clipped at 3 scales of this
            // baseline's own slow error, not of the recent level's, which can be far smaller and would make the profile
            // learn a real cycle only a clipped step at a time); the prediction interpolates between slot centres.
            if (_offsets is not null && ticks - _start >= Day)
            {
                var i = (int)(ticks % _period / _slot);
                var target = x - _long - _offsets[i];
                var slowScale = 3 * Math.Max(1.2533 * SlowError, floor);
                _visits![i]++;
                _offsets[i] += Math.Max(o.SeasonAlpha, 1.0 / _visits[i]) * (_visits[i] > 1 ? Math.Clamp(target, -slowScale, slowScale) : target);
            }
        }
    }
}
