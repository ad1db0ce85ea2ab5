import { ExportButtons } from '@/components/ui/export-buttons';
import { TimeSeriesChart } from '@/components/ui/time-series-chart';
import { QueryCard } from '@/components/ui/query-card';
import { usePreviousPeriod } from '@/components/ui/previous-period';
import { TableHead } from '@/components/ui/table-head';
import type { KpiQuery, UsageRow } from '@/types/kpi';
import { shortHash } from '@/utils/format';
import type { ExportColumn } from '@/utils/table-export';
import { useContractUsage } from '../api/get-contract-usage';
import { getFunctionCallsQueryOptions, useFunctionCalls } from '../api/get-function-calls';
import { useHourlyTransactions } from '../api/get-hourly-transactions';
import { callsPerFunction, hourWeekdayHeatmap, WEEKDAYS } from '../utils/usage-series';

const PALETTE = ['#38bdf8', '#a78bfa', '#34d399', '#f87171', '#fbbf24', '#f472b6', '#94a3b8', '#2dd4bf'];
const CHART_FUNCTIONS = 8;

const USAGE_COLUMNS: ExportColumn<UsageRow>[] = [
  { key: 'contract', value: (r) => r.contract },
  { key: 'function', value: (r) => r.function },
  { key: 'calls', value: (r) => r.calls },
  { key: 'transactions', value: (r) => r.transactions },
  { key: 'uniqueCallers', value: (r) => r.uniqueCallers },
  { key: 'newCallers', value: (r) => r.newCallers },
  { key: 'returningCallers', value: (r) => r.returningCallers },
];

export function CallersCard({ query }: { query: KpiQuery }) {
  const usage = useContractUsage({ ...query, pageSize: 1000 });
  const rows = usage.data?.items ?? [];
  return (
    <QueryCard
      title="Callers per function"
      subtitle="unique, new (first call ever in this range) and returning callers over the whole range"
      actions={<ExportButtons view="usage" rows={rows} columns={USAGE_COLUMNS} from={usage.data?.from} to={usage.data?.to} />}
      data-testid="usage-callers"
      query={usage}
      isEmpty={() => rows.length === 0}
      empty="No calls in this range"
    >
      {() => (
        <>
          <table className="table" data-testid="usage-table">
            <caption className="visually-hidden">Callers per function</caption>
            <TableHead columns={['Contract', 'Function', 'Calls', 'Transactions', 'Unique callers', 'New', 'Returning']} />
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.contract}/${r.selector}`} data-testid={`usage-row-${r.function}`}>
                  <td className="mono" title={r.contract}>
                    {shortHash(r.contract)}
                  </td>
                  <td>{r.function}</td>
                  <td data-testid="usage-calls">{r.calls}</td>
                  <td>{r.transactions}</td>
                  <td data-testid="usage-unique">{r.uniqueCallers}</td>
                  <td>{r.newCallers}</td>
                  <td>{r.returningCallers}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="notes">
            {usage.data?.notes.map((note) => <li key={note}>{note}</li>)}
          </ul>
        </>
      )}
    </QueryCard>
  );
}

export function CallsOverTimeCard({ query }: { query: KpiQuery }) {
  const callsQuery = { ...query, pageSize: 1000 };
  const gas = useFunctionCalls(callsQuery);
  const previous = usePreviousPeriod(getFunctionCallsQueryOptions, callsQuery);
  const { functions, points } = callsPerFunction(gas.data?.items ?? []);
  const shown = functions.slice(0, CHART_FUNCTIONS);
  return (
    <QueryCard
      title="Transactions per function over time"
      subtitle={`${gas.data?.bucket ?? ''} buckets · the ${shown.length} busiest functions`}
      data-testid="usage-over-time"
      query={gas}
      isEmpty={() => points.length === 0}
      empty="No calls in this range"
    >
      {() => (
        <TimeSeriesChart
          data={points}
          previous={previous && { data: callsPerFunction(previous.rows, shown).points, shiftMs: previous.shiftMs }}
          series={shown.map((f, i) => ({ key: f, label: f, color: PALETTE[i % PALETTE.length]! }))}
          height={300}
          data-testid="usage-chart"
        />
      )}
    </QueryCard>
  );
}

export function HeatmapCard({ query }: { query: KpiQuery }) {
  const hourly = useHourlyTransactions({ from: query.from, to: query.to, pageSize: 1000 });
  const rows = hourly.data?.items ?? [];
  const cells = hourWeekdayHeatmap(rows);
  const max = Math.max(0, ...cells.flat());
  return (
    <QueryCard title="Busiest hours" subtitle="all chain transactions per UTC hour × weekday, summed over the range" data-testid="usage-heatmap" query={hourly} isEmpty={() => max === 0} empty="No transactions in this range">
      {() => (
        <div className="heatmap" role="table" aria-label="Transactions by weekday and hour (UTC)">
          <div role="row" className="heatmap__row">
            <span role="columnheader">
              <span className="visually-hidden">Weekday</span>
            </span>
            {Array.from({ length: 24 }, (_, h) => (
              <span key={h} role="columnheader" aria-label={`${h}:00`}>
                {h % 3 === 0 ? h : ''}
              </span>
            ))}
          </div>
          {WEEKDAYS.map((day, d) => (
            <div key={day} role="row" className="heatmap__row">
              <span role="rowheader">{day}</span>
              {cells[d]!.map((count, h) => (
                <span
                  key={h}
                  role="cell"
                  className="heatmap__cell"
                  title={`${day} ${String(h).padStart(2, '0')}:00 UTC: ${count} transactions`}
                  data-testid={count > 0 ? `heat-${day}-${h}` : undefined}
                  style={{ opacity: count === 0 ? 0.06 : 0.15 + (0.85 * count) / max }}
                >
                  <span className="visually-hidden">{count}</span>
                </span>
              ))}
            </div>
          ))}
        </div>
      )}
    </QueryCard>
  );
}
