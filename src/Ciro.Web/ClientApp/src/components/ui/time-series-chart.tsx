import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { placeAnnotations, useChartAnnotations } from './chart-annotations';
import { alignPrevious, comparedSeries, previousKey, type ChartRow } from './time-series-compare';

export type Series = {
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
  /** false: no previous-period twin with the compare toggle (a reference line such as the peers' median of this range). */
  compare?: boolean;
};

type TimeSeriesChartProps = {
  /** One object per bucket: `t` is the ISO bucket start, the other keys are the series values (null = no data). */
  data: readonly ({ t: string } & Record<string, number | string | null | undefined>)[];
  series: readonly Series[];
  height?: number;
  'data-testid'?: string;
  valueFormatter?: (value: number) => string;
  /** The previous period's rows (same shape as `data`) and how far later they are drawn: each series gets a dashed,
   * lighter twin on the current range's x axis (the compare toggle; see usePreviousPeriod). */
  previous?: { data: readonly ChartRow[]; shiftMs: number };
};

/** "11-30 14:00" (UTC): buckets are hours or days. */
function bucketLabel(iso: string): string {
  return iso.slice(5, 16).replace('T', ' ');
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

/**
 * A line chart over time buckets; colours come from the theme's CSS variables. The view's class changes (deploys,
 * upgrades) are drawn as labelled vertical lines at their buckets and listed for screen readers.
 */
export function TimeSeriesChart({ data: current, series, height = 260, valueFormatter, previous, 'data-testid': testId }: TimeSeriesChartProps) {
  const twins = comparedSeries(series);
  const data = previous
    ? alignPrevious(
        current,
        previous.data,
        previous.shiftMs,
        twins.map((s) => s.key),
      )
    : current;
  const annotations = placeAnnotations(
    data.map((d) => d.t),
    useChartAnnotations(),
  );
  const lines = [
    ...series.map((s) => ({ ...s, previous: false })),
    ...(previous ? twins.map((s) => ({ ...s, key: previousKey(s.key), label: `${s.label}, previous period`, dashed: true, previous: true })) : []),
  ];
  return (
    <div className="chart" style={{ height }} data-testid={testId} data-compare={previous ? 'previous' : undefined}>
      {annotations.length > 0 && (
        <ul className="visually-hidden" data-testid="chart-annotations">
          {annotations.map((a) => (
            <li key={a.t}>{a.description}</li>
          ))}
        </ul>
      )}
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={[...data]} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" />
          <XAxis dataKey="t" tickFormatter={bucketLabel} stroke="var(--text-muted)" fontSize={12} />
          <YAxis stroke="var(--text-muted)" fontSize={12} tickFormatter={(v: number) => compact.format(v)} width={56} />
          <Tooltip
            labelFormatter={(label) => (typeof label === 'string' ? `${bucketLabel(label)} UTC` : '')}
            formatter={(value) => (typeof value === 'number' && valueFormatter ? valueFormatter(value) : String(value))}
            contentStyle={{ background: 'var(--surface-raised)', border: '1px solid var(--border)' }}
          />
          <Legend />
          {annotations.map((a) => (
            <ReferenceLine
              key={a.t}
              x={a.t}
              stroke="var(--warning)"
              strokeDasharray="2 3"
              label={{ value: a.label, position: 'insideTopLeft', fill: 'var(--warning)', fontSize: 11 }}
            />
          ))}
          {lines.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.label}
              stroke={s.color}
              strokeOpacity={s.previous ? 0.5 : 1}
              strokeDasharray={s.previous ? '2 4' : s.dashed ? '4 4' : undefined}
              dot={data.length < 3}
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
