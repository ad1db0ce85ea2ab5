import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ExportButtons } from '@/components/ui/export-buttons';
import { TimeSeriesChart } from '@/components/ui/time-series-chart';
import { QueryCard } from '@/components/ui/query-card';
import { TableHead } from '@/components/ui/table-head';
import type { AnomalyRow, KpiQuery } from '@/types/kpi';
import { formatDecimal } from '@/utils/format-kpi';
import type { ExportColumn } from '@/utils/table-export';
import { useAnomalies } from '../api/get-anomalies';
import { EPISODE_THRESHOLD, episodes } from '../utils/episodes';

export const ANOMALY_METRICS = [
  { value: 'tx_count', label: 'Transactions' },
  { value: 'l2_gas', label: 'L2 gas' },
  { value: 'events', label: 'Events' },
  { value: 'reverted_share', label: 'Reverted share' },
  { value: 'block_time', label: 'Block time' },
] as const;

const COLUMNS: ExportColumn<AnomalyRow>[] = [
  { key: 'hour', value: (r) => r.hour },
  { key: 'value', value: (r) => r.value },
  { key: 'expected', value: (r) => r.expected },
  { key: 'lower', value: (r) => r.lower },
  { key: 'upper', value: (r) => r.upper },
  { key: 'score', value: (r) => r.score },
  { key: 'warmingUp', value: (r) => r.warmingUp },
  { key: 'explanation', value: (r) => r.explanation },
  { key: 'driver', value: (r) => r.driver },
];

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });
const label = (iso: string) => iso.slice(5, 16).replace('T', ' ');

/** The series with its expected band (lower..upper), the hourly scores and each episode's explanation. */
export function AnomaliesView({ query, metric }: { query: KpiQuery; metric: string }) {
  const result = useAnomalies({ ...query, metric, pageSize: 1000 });
  const rows = result.data?.items ?? [];
  const scored = rows.filter((r) => !r.warmingUp);
  const found = episodes(rows);
  const chart = rows.map((r) => ({
    t: r.hour,
    value: r.value,
    expected: r.expected,
    band: r.lower !== null && r.lower !== undefined && r.upper !== null && r.upper !== undefined ? [r.lower, r.upper] : null,
  }));
  return (
    <>
      <QueryCard
        title={`${ANOMALY_METRICS.find((m) => m.value === metric)?.label ?? metric}: value and expected band`}
        subtitle={result.data ? `${rows.length} hours, ${scored.length} scored (the rest warm the baseline up)` : undefined}
        actions={<ExportButtons view={`anomalies-${metric}`} rows={rows} columns={COLUMNS} from={result.data?.from} to={result.data?.to} />}
        data-testid="anomaly-series"
        query={result}
        isEmpty={() => rows.length === 0}
        empty="No hours in this range"
      >
        {() => (
          <>
            <div className="chart" style={{ height: 280 }} data-testid="anomaly-chart">
              <ResponsiveContainer width="100%" height="100%">
                <ComposedChart data={chart} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
                  <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" />
                  <XAxis dataKey="t" tickFormatter={label} stroke="var(--text-muted)" fontSize={12} />
                  <YAxis stroke="var(--text-muted)" fontSize={12} tickFormatter={(v: number) => compact.format(v)} width={56} />
                  <Tooltip contentStyle={{ background: 'var(--surface-raised)', border: '1px solid var(--border)' }} />
                  <Legend />
                  <Area dataKey="band" name="expected band" stroke="none" fill="var(--series-assigned)" fillOpacity={0.2} isAnimationActive={false} />
                  <Line dataKey="expected" name="expected" stroke="var(--series-assigned)" strokeDasharray="4 4" dot={false} isAnimationActive={false} />
                  <Line dataKey="value" name="value" stroke="var(--series-submitted)" dot={false} isAnimationActive={false} />
                </ComposedChart>
              </ResponsiveContainer>
            </div>
            <TimeSeriesChart
              data={rows.map((r) => ({ t: r.hour, score: r.warmingUp ? null : r.score }))}
              series={[{ key: 'score', label: 'anomaly score (0–1)', color: 'var(--series-failed)' }]}
              height={160}
              data-testid="anomaly-score-chart"
            />
          </>
        )}
      </QueryCard>
      <Card title="Episodes" subtitle={`consecutive hours scoring ≥ ${EPISODE_THRESHOLD}, explained by their peak hour`} data-testid="anomaly-episodes">
        {!result.data ? (
          <p className="loading">Loading…</p>
        ) : found.length === 0 ? (
          <EmptyState>
            {scored.length === 0 ? 'No scored hour yet: the detector is still warming up on this range' : 'No anomalous episode in this range'}
          </EmptyState>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Anomaly episodes</caption>
            <TableHead columns={['From (UTC)', 'To (UTC)', 'Hours', 'Peak score', 'Explanation', 'Driver']} />
            <tbody>
              {found.map((e) => (
                <tr key={e.from} data-testid="anomaly-episode">
                  <td className="mono">{label(e.from)}</td>
                  <td className="mono">{label(e.to)}</td>
                  <td>{e.hours}</td>
                  <td>{formatDecimal(e.peakScore, 3)}</td>
                  <td>{e.peak.explanation}</td>
                  <td>{e.peak.driver ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Hours" subtitle="every hour the API scored, newest first" data-testid="anomaly-hours">
        {rows.length === 0 ? (
          <EmptyState>No hours in this range</EmptyState>
        ) : (
          <table className="table" data-testid="anomaly-table">
            <caption className="visually-hidden">Anomaly scores per hour</caption>
            <TableHead columns={['Hour (UTC)', 'Value', 'Expected', 'Band', 'Score', 'Explanation']} />
            <tbody>
              {[...rows].reverse().map((r) => (
                <tr key={r.hour}>
                  <td className="mono">{label(r.hour)}</td>
                  <td data-testid="anomaly-value">{formatDecimal(r.value, 4)}</td>
                  <td>{formatDecimal(r.expected, 4)}</td>
                  <td>
                    {formatDecimal(r.lower, 4)} … {formatDecimal(r.upper, 4)}
                  </td>
                  <td>{r.warmingUp ? 'warming up' : formatDecimal(r.score, 3)}</td>
                  <td>{r.explanation}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
