import { createColumnHelper } from '@tanstack/react-table';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { ExportButtons } from '@/components/ui/export-buttons';
import { TimeSeriesChart } from '@/components/ui/time-series-chart';
import { QueryCard } from '@/components/ui/query-card';
import { usePreviousPeriod } from '@/components/ui/previous-period';
import { TableHead } from '@/components/ui/table-head';
import { env } from '@/config/env';
import type { KpiFilters } from '@/lib/kpi-filters';
import type { GasRow, GasTxRow, KpiQuery } from '@/types/kpi';
import { shortHash } from '@/utils/format';
import { formatAmount, formatDecimal, formatGas, formatPercent } from '@/utils/format-kpi';
import type { ExportColumn } from '@/utils/table-export';
import { getGasQueryOptions, useGas } from '../api/get-gas';
import { useGasTransactions } from '../api/get-gas-transactions';
import { groupByFunction, type FunctionGas } from '../utils/group-gas';

export const GAS_METRICS = [
  { value: 'l2_gas', label: 'L2 gas' },
  { value: 'l1_data_gas', label: 'L1 data gas' },
  { value: 'l1_gas', label: 'L1 gas' },
  { value: 'fee_fri', label: 'Fee (FRI)' },
  { value: 'fee_wei', label: 'Fee (WEI)' },
] as const;

const FUNCTION_COLUMNS: ExportColumn<FunctionGas>[] = [
  { key: 'contract', value: (r) => r.contract },
  { key: 'function', value: (r) => r.function },
  { key: 'txCount', value: (r) => r.txCount },
  { key: 'l2Gas', value: (r) => r.l2Gas },
  { key: 'l1DataGas', value: (r) => r.l1DataGas },
  { key: 'l1Gas', value: (r) => r.l1Gas },
  { key: 'feeFri', value: (r) => r.feeFri },
  { key: 'feeWei', value: (r) => r.feeWei },
  { key: 'share', value: (r) => r.share },
];

const BUCKET_COLUMNS: ExportColumn<GasRow>[] = [
  { key: 'bucketStart', value: (r) => r.bucketStart },
  { key: 'callShape', value: (r) => r.callShape },
  { key: 'txCount', value: (r) => r.txCount },
  { key: 'l2Gas', value: (r) => r.l2Gas },
  { key: 'l1DataGas', value: (r) => r.l1DataGas },
  { key: 'l1Gas', value: (r) => r.l1Gas },
  { key: 'feeFri', value: (r) => r.feeFri },
  { key: 'metric', value: (r) => r.metric },
  { key: 'p50', value: (r) => r.p50 },
  { key: 'p95', value: (r) => r.p95 },
  { key: 'shareOfTotal', value: (r) => r.shareOfTotal },
];

const column = createColumnHelper<FunctionGas>();

/** The drilled function's trend: single calls only (a multicall carries the whole multicall's gas). */
const singleCalls = (rows: readonly GasRow[]) => rows.filter((r) => r.callShape === 'single');
const percentileRow = (r: GasRow) => ({ t: r.bucketStart, p50: r.p50, p95: r.p95 });
const unitsRow = (r: GasRow) => ({ t: r.bucketStart, l2: r.l2Gas, l1Data: r.l1DataGas, l1: r.l1Gas });

function compareAmounts(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

type GasViewProps = {
  filters: KpiFilters;
  query: KpiQuery;
  onFilter: (patch: Partial<KpiFilters>) => void;
};

/** Gas by contract → function; choosing a function shows its percentiles per bucket and its transactions. */
export function GasView({ filters, query, onFilter }: GasViewProps) {
  const metric = filters.metric ?? 'l2_gas';
  const gasQuery: KpiQuery = { ...query, metric, pageSize: 1000 };
  const gas = useGas(gasQuery);
  const rows = gas.data?.items ?? [];
  const functions = groupByFunction(rows, metric);
  const drilled = filters.function !== undefined;

  const columns = [
    column.accessor('contract', {
      header: 'Contract',
      cell: (c) => (
        <button type="button" className="link-button mono" title={c.getValue()} onClick={() => onFilter({ contract: c.getValue(), function: undefined })}>
          {shortHash(c.getValue())}
        </button>
      ),
    }),
    column.accessor('function', {
      header: 'Function',
      cell: (c) => (
        <button
          type="button"
          className="link-button"
          data-testid={`gas-function-${c.getValue()}`}
          onClick={() => onFilter({ contract: c.row.original.contract, function: c.getValue() })}
        >
          {c.getValue()}
        </button>
      ),
    }),
    column.accessor('txCount', { header: 'Tx', cell: (c) => formatGas(c.getValue()) }),
    column.accessor('l2Gas', { header: 'L2 gas', cell: (c) => formatGas(c.getValue()) }),
    column.accessor('l1DataGas', { header: 'L1 data gas', cell: (c) => formatGas(c.getValue()) }),
    column.accessor('l1Gas', { header: 'L1 gas', cell: (c) => formatGas(c.getValue()) }),
    column.accessor('feeFri', { header: 'Fee (FRI)', cell: (c) => formatAmount(c.getValue()), sortingFn: (a, b) => compareAmounts(a.original.feeFri, b.original.feeFri) }),
    column.accessor('feeWei', { header: 'Fee (WEI)', cell: (c) => formatAmount(c.getValue()), enableSorting: false }),
    column.accessor('share', { header: 'Share', cell: (c) => <span data-testid="gas-share">{formatPercent(c.getValue())}</span> }),
  ];

  return (
    <>
      <QueryCard
        title="Gas by contract → function"
        subtitle={`${GAS_METRICS.find((m) => m.value === metric)?.label ?? metric} share over the range · ${gas.data?.bucket ?? ''} buckets`}
        actions={<ExportButtons view="gas" rows={functions} columns={FUNCTION_COLUMNS} from={gas.data?.from} to={gas.data?.to} />}
        data-testid="gas-functions"
        query={gas}
        isEmpty={() => functions.length === 0}
        empty="No contract calls in this range"
      >
        {() => (
          <>
            <DataTable
              rows={functions}
              columns={columns}
              caption="Gas by contract function"
              data-testid="gas-table"
              rowTestId={(r) => `gas-row-${r.function}`}
            />
            <ul className="notes">
              {gas.data?.notes.map((note) => <li key={note}>{note}</li>)}
            </ul>
          </>
        )}
      </QueryCard>
      {drilled && <FunctionDetail filters={filters} rows={rows} query={query} gasQuery={gasQuery} onFilter={onFilter} metric={metric} />}
    </>
  );
}

type FunctionDetailProps = {
  filters: KpiFilters;
  rows: GasRow[];
  query: KpiQuery;
  /** The query `rows` came from, asked again for the previous period with the compare toggle. */
  gasQuery: KpiQuery;
  metric: string;
  onFilter: (patch: Partial<KpiFilters>) => void;
};

/** One function: p50/p95 of the metric per bucket (single calls are exact; multicalls carry the whole multicall's gas) and its transactions. */
function FunctionDetail({ filters, rows, query, gasQuery, metric, onFilter }: FunctionDetailProps) {
  const trend = singleCalls(rows);
  const previous = usePreviousPeriod(getGasQueryOptions, gasQuery);
  const sorted = [...rows].sort((a, b) => b.bucketStart.localeCompare(a.bucketStart) || a.callShape.localeCompare(b.callShape));
  return (
    <>
      <Card
        title={`${filters.function} — ${metric} per call`}
        subtitle="p50 / p95 per transaction, single calls; L2, L1 data and L1 gas per bucket"
        actions={
          <>
            <ExportButtons view="gas-function" rows={sorted} columns={BUCKET_COLUMNS} from={query.from} to={query.to} />
            <Button variant="ghost" onClick={() => onFilter({ function: undefined })}>
              Back to all functions
            </Button>
          </>
        }
        data-testid="gas-function-detail"
      >
        <div className="grid-2">
          <TimeSeriesChart
            data={trend.map(percentileRow)}
            previous={previous && { data: singleCalls(previous.rows).map(percentileRow), shiftMs: previous.shiftMs }}
            series={[
              { key: 'p50', label: 'p50', color: 'var(--series-submitted)' },
              { key: 'p95', label: 'p95', color: 'var(--series-failed)', dashed: true },
            ]}
            valueFormatter={(v) => formatGas(v)}
            data-testid="gas-percentile-chart"
          />
          <TimeSeriesChart
            data={trend.map(unitsRow)}
            previous={previous && { data: singleCalls(previous.rows).map(unitsRow), shiftMs: previous.shiftMs }}
            series={[
              { key: 'l2', label: 'L2 gas', color: 'var(--series-submitted)' },
              { key: 'l1Data', label: 'L1 data gas', color: 'var(--series-assigned)' },
              { key: 'l1', label: 'L1 gas', color: 'var(--series-completed)' },
            ]}
            valueFormatter={(v) => formatGas(v)}
            data-testid="gas-units-chart"
          />
        </div>
        <table className="table" data-testid="gas-bucket-table">
          <caption className="visually-hidden">Per bucket and call shape</caption>
          <TableHead columns={['Bucket (UTC)', 'Shape', 'Tx', 'L2 gas', 'L1 data gas', 'Fee (FRI)', 'p50', 'p95', 'Share of bucket']} />
          <tbody>
            {sorted.map((r) => (
              <tr key={`${r.bucketStart}/${r.callShape}`}>
                <td className="mono">{r.bucketStart.slice(0, 16).replace('T', ' ')}</td>
                <td>{r.callShape}</td>
                <td>{r.txCount}</td>
                <td>{formatGas(r.l2Gas)}</td>
                <td>{formatGas(r.l1DataGas)}</td>
                <td>{formatAmount(r.feeFri)}</td>
                <td data-testid="gas-p50">{formatDecimal(r.p50, 0)}</td>
                <td>{formatDecimal(r.p95, 0)}</td>
                <td>{formatPercent(r.shareOfTotal)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Transactions query={query} />
    </>
  );
}

const TX_PAGE_SIZE = 25;

const TX_COLUMNS: ExportColumn<GasTxRow>[] = [
  { key: 'blockNumber', value: (r) => r.blockNumber },
  { key: 'blockTime', value: (r) => r.blockTime },
  { key: 'txHash', value: (r) => r.txHash },
  { key: 'sender', value: (r) => r.sender },
  { key: 'callShape', value: (r) => r.callShape },
  { key: 'status', value: (r) => r.status },
  { key: 'l2Gas', value: (r) => r.l2Gas },
  { key: 'l1DataGas', value: (r) => r.l1DataGas },
  { key: 'l1Gas', value: (r) => r.l1Gas },
  { key: 'fee', value: (r) => r.fee },
  { key: 'feeUnit', value: (r) => r.feeUnit },
];

function explorerUrl(hash: string): string {
  return env.EXPLORER_TX_URL.replace('{hash}', encodeURIComponent(hash));
}

function Transactions({ query }: { query: KpiQuery }) {
  const [page, setPage] = useState(1);
  const txs = useGasTransactions({ ...query, page, pageSize: TX_PAGE_SIZE }, true);
  const data = txs.data;
  const pages = data ? Math.max(1, Math.ceil(data.totalCount / TX_PAGE_SIZE)) : 1;
  return (
    <QueryCard
      title="Transactions"
      subtitle={data ? `${data.totalCount} transactions, newest first` : undefined}
      actions={<ExportButtons view="gas-transactions" rows={data?.items ?? []} columns={TX_COLUMNS} from={data?.from} to={data?.to} />}
      data-testid="gas-transactions"
      query={txs}
      isEmpty={(answer) => answer.items.length === 0}
      empty="No transactions"
    >
      {(answer) => (
        <>
          <table className="table">
            <caption className="visually-hidden">Transactions of the function</caption>
            <TableHead columns={['Block', 'Time (UTC)', 'Transaction', 'Shape', 'Status', 'L2 gas', 'L1 data gas', 'Fee']} />
            <tbody>
              {answer.items.map((tx) => (
                <tr key={`${tx.txHash}/${tx.function}`} data-testid="gas-tx">
                  <td>{tx.blockNumber}</td>
                  <td className="mono">{tx.blockTime.slice(0, 19).replace('T', ' ')}</td>
                  <td className="mono">
                    <a href={explorerUrl(tx.txHash)} target="_blank" rel="noreferrer" title={tx.txHash}>
                      {shortHash(tx.txHash)}
                    </a>
                  </td>
                  <td>{tx.callShape}</td>
                  <td className={tx.status === 'REVERTED' ? 'text-danger' : undefined}>{tx.status}</td>
                  <td>{formatGas(tx.l2Gas)}</td>
                  <td>{formatGas(tx.l1DataGas)}</td>
                  <td>
                    {formatAmount(tx.fee)} {tx.feeUnit}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="data-table__pager" aria-label="Transaction pages">
            <Button variant="ghost" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous
            </Button>
            <span>
              page {page} of {pages}
            </span>
            <Button variant="ghost" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Next
            </Button>
          </nav>
        </>
      )}
    </QueryCard>
  );
}
