import { ExportButtons } from '@/components/ui/export-buttons';
import { KpiCard } from '@/components/ui/kpi-card';
import { TimeSeriesChart } from '@/components/ui/time-series-chart';
import { QueryCard } from '@/components/ui/query-card';
import { usePreviousPeriod } from '@/components/ui/previous-period';
import { TableHead } from '@/components/ui/table-head';
import type { KpiQuery, NetworkRow } from '@/types/kpi';
import { formatAmount, formatAmountShort, formatDecimal, formatGas, formatPercent, formatSeconds } from '@/utils/format-kpi';
import type { ExportColumn } from '@/utils/table-export';
import { getNetworkHealthQueryOptions, useNetworkHealth } from '../api/get-network-health';

const chartRow = (r: NetworkRow) => ({ t: r.bucketStart, tps: r.tps, blockTime: r.blockTimeMeanSeconds, fullness: r.utilisationOfLimit * 100 });

/** The columns the table shows, which are also the export's. */
export const NETWORK_COLUMNS: ExportColumn<NetworkRow>[] = [
  { key: 'bucketStart', value: (r) => r.bucketStart },
  { key: 'blocks', value: (r) => r.blocks },
  { key: 'transactions', value: (r) => r.transactions },
  { key: 'tps', value: (r) => r.tps },
  { key: 'blockTimeMeanSeconds', value: (r) => r.blockTimeMeanSeconds },
  { key: 'blockTimeP95Seconds', value: (r) => r.blockTimeP95Seconds },
  { key: 'utilisationOfLimit', value: (r) => r.utilisationOfLimit },
  { key: 'utilisationOfTarget', value: (r) => r.utilisationOfTarget },
  { key: 'maxBlockUtilisationOfLimit', value: (r) => r.maxBlockUtilisationOfLimit },
  { key: 'meanL2GasPriceFri', value: (r) => r.meanL2GasPriceFri },
  { key: 'meanL1GasPriceFri', value: (r) => r.meanL1GasPriceFri },
  { key: 'meanL1DataGasPriceFri', value: (r) => r.meanL1DataGasPriceFri },
  { key: 'revertedShare', value: (r) => r.revertedShare },
];

type NetworkHealthProps = { query: KpiQuery; refetchInterval: number | false };

/** Chain health over the filtered range: the newest bucket as tiles, every bucket as a trend and a table. */
export function NetworkHealth({ query, refetchInterval }: NetworkHealthProps) {
  const result = useNetworkHealth(query, refetchInterval);
  const previous = usePreviousPeriod(getNetworkHealthQueryOptions, query);
  const page = result.data;
  const rows = page?.items ?? [];
  const newest = rows.at(-1);
  const bucketLabel = newest ? `${page?.bucket} from ${newest.bucketStart.slice(0, 16).replace('T', ' ')} UTC` : undefined;

  return (
    <QueryCard
      title="Network health"
      subtitle={bucketLabel ? `tiles: newest ${bucketLabel}` : undefined}
      actions={<ExportButtons view="network" rows={rows} columns={NETWORK_COLUMNS} from={page?.from} to={page?.to} />}
      data-testid="network-health"
      query={result}
      isEmpty={() => !newest}
      empty="No blocks in this range"
    >
      {() =>
        newest && (
        <>
          <div className="kpis">
            <KpiCard label="TPS" value={formatDecimal(newest.tps, 3)} valueTestId="net-tps" hint={`${newest.transactions} tx in ${newest.blocks} blocks`} />
            <KpiCard
              label="Block time (mean / p95)"
              value={`${formatSeconds(newest.blockTimeMeanSeconds)} / ${formatSeconds(newest.blockTimeP95Seconds)}`}
              valueTestId="net-block-time"
            />
            <KpiCard
              label="Block fullness (L2 gas vs limit)"
              value={formatPercent(newest.utilisationOfLimit)}
              valueTestId="net-fullness"
              hint={`vs target ${formatPercent(newest.utilisationOfTarget)}; fullest block ${formatPercent(newest.maxBlockUtilisationOfLimit)}`}
            />
            <KpiCard
              label="L2 gas price (mean)"
              value={formatAmountShort(newest.meanL2GasPriceFri, 'FRI')}
              valueTestId="net-l2-gas-price"
              title={`L2 ${formatAmount(newest.meanL2GasPriceFri)} · L1 ${formatAmount(newest.meanL1GasPriceFri)} · L1 data ${formatAmount(newest.meanL1DataGasPriceFri)} FRI`}
              hint={`L1 ${formatAmountShort(newest.meanL1GasPriceFri, 'FRI')} · L1 data ${formatAmountShort(newest.meanL1DataGasPriceFri, 'FRI')}`}
            />
            <KpiCard
              label="Reverted share"
              value={formatPercent(newest.revertedShare)}
              valueTestId="net-reverted"
              tone={newest.revertedShare !== null && newest.revertedShare !== undefined && newest.revertedShare > 0.05 ? 'warning' : 'default'}
              hint={`${newest.reverted} of ${newest.transactions} tx`}
            />
          </div>
          <TimeSeriesChart
            data={rows.map(chartRow)}
            previous={previous && { data: previous.rows.map(chartRow), shiftMs: previous.shiftMs }}
            series={[
              { key: 'tps', label: 'TPS', color: 'var(--series-submitted)' },
              { key: 'blockTime', label: 'Block time (s)', color: 'var(--series-assigned)' },
              { key: 'fullness', label: 'Fullness (% of limit)', color: 'var(--series-completed)' },
            ]}
            data-testid="network-chart"
          />
          <table className="table" data-testid="network-table">
            <caption className="visually-hidden">Network health per bucket</caption>
            <TableHead columns={['Bucket (UTC)', 'Blocks', 'Tx', 'TPS', 'Block time', 'Fullness', 'L2 gas', 'Reverted']} />
            <tbody>
              {[...rows].reverse().map((r) => (
                <tr key={r.bucketStart}>
                  <td className="mono">{r.bucketStart.slice(0, 16).replace('T', ' ')}</td>
                  <td>{r.blocks}</td>
                  <td>{r.transactions}</td>
                  <td>{formatDecimal(r.tps, 3)}</td>
                  <td>{formatSeconds(r.blockTimeMeanSeconds)}</td>
                  <td>{formatPercent(r.utilisationOfLimit)}</td>
                  <td>{formatGas(r.l2Gas)}</td>
                  <td>{formatPercent(r.revertedShare)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </QueryCard>
  );
}
