import { createColumnHelper } from '@tanstack/react-table';
import { Link } from 'react-router';
import { DataTable } from '@/components/ui/data-table';
import { ExportButtons } from '@/components/ui/export-buttons';
import { QueryCard } from '@/components/ui/query-card';
import type { KpiQuery, LeaderboardRow } from '@/types/kpi';
import { formatUnits, shortHash } from '@/utils/format';
import { formatPercent, formatSeconds } from '@/utils/format-kpi';
import type { ExportColumn } from '@/utils/table-export';
import { useWorkerLeaderboard } from '../api/get-worker-leaderboard';

/** Token amounts (payments, stake) carry 18 decimals. */
export const tokens = (raw: string) => formatUnits(raw, 18, 2);

const EXPORT_COLUMNS: ExportColumn<LeaderboardRow>[] = [
  { key: 'rank', value: (r) => r.rank },
  { key: 'worker', value: (r) => r.worker },
  { key: 'assigned', value: (r) => r.assigned },
  { key: 'completed', value: (r) => r.completed },
  { key: 'failed', value: (r) => r.failed },
  { key: 'successRate', value: (r) => r.successRate },
  { key: 'completionP50Seconds', value: (r) => r.completionP50Seconds },
  { key: 'completionP95Seconds', value: (r) => r.completionP95Seconds },
  { key: 'paid', value: (r) => r.paid },
  { key: 'stake', value: (r) => r.stake },
];

const column = createColumnHelper<LeaderboardRow>();

function compareAmounts(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

type WorkerLeaderboardProps = { query: KpiQuery; workerHref: (worker: string) => string };

/** Every worker over the range, sortable by any column and paged (TanStack Table); a worker links to its detail. */
export function WorkerLeaderboard({ query, workerHref }: WorkerLeaderboardProps) {
  const result = useWorkerLeaderboard({ ...query, pageSize: 1000 });
  const rows = result.data?.items ?? [];
  const columns = [
    column.accessor('rank', { header: 'Rank', cell: (c) => c.getValue() ?? '—', sortUndefined: 'last' }),
    column.accessor('worker', {
      header: 'Worker',
      cell: (c) => (
        <Link to={workerHref(c.getValue())} className="mono" title={c.getValue()} data-testid="worker-link">
          {shortHash(c.getValue())}
        </Link>
      ),
    }),
    column.accessor('assigned', { header: 'Assigned' }),
    column.accessor('completed', { header: 'Completed', cell: (c) => <span data-testid="worker-completed">{c.getValue()}</span> }),
    column.accessor('failed', { header: 'Failed' }),
    column.accessor('successRate', { header: 'Success', cell: (c) => formatPercent(c.getValue()) }),
    column.accessor('completionP50Seconds', { header: 'Completion p50', cell: (c) => formatSeconds(c.getValue()) }),
    column.accessor('completionP95Seconds', { header: 'Completion p95', cell: (c) => formatSeconds(c.getValue()) }),
    column.accessor('paid', { header: 'Paid', cell: (c) => tokens(c.getValue()), sortingFn: (a, b) => compareAmounts(a.original.paid, b.original.paid) }),
    column.accessor('stake', { header: 'Stake', cell: (c) => tokens(c.getValue()), sortingFn: (a, b) => compareAmounts(a.original.stake, b.original.stake) }),
  ];
  return (
    <QueryCard
      title="Worker leaderboard"
      subtitle={result.data ? `${result.data.totalCount} workers · click a header to sort` : undefined}
      actions={<ExportButtons view="workers" rows={rows} columns={EXPORT_COLUMNS} from={result.data?.from} to={result.data?.to} />}
      data-testid="worker-leaderboard"
      query={result}
      isEmpty={() => rows.length === 0}
      empty="No worker activity in this range"
    >
      {() => (
        <>
          <DataTable rows={rows} columns={columns} pageSize={10} caption="Worker leaderboard" data-testid="leaderboard-table" rowTestId={(r) => `worker-${r.worker}`} />
          <ul className="notes">
            {result.data?.notes.map((note) => <li key={note}>{note}</li>)}
          </ul>
        </>
      )}
    </QueryCard>
  );
}
