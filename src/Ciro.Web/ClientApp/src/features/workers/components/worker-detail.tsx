import { ExportButtons } from '@/components/ui/export-buttons';
import { KpiCard } from '@/components/ui/kpi-card';
import { TimeSeriesChart } from '@/components/ui/time-series-chart';
import { QueryCard } from '@/components/ui/query-card';
import { usePreviousPeriod } from '@/components/ui/previous-period';
import { TableHead } from '@/components/ui/table-head';
import type { JobRow, KpiQuery, WorkerRow } from '@/types/kpi';
import { shortHash } from '@/utils/format';
import { formatPercent, formatSeconds, sumAmounts } from '@/utils/format-kpi';
import type { ExportColumn } from '@/utils/table-export';
import { useWorkerJobs } from '../api/get-worker-jobs';
import { useWorkerLeaderboard } from '../api/get-worker-leaderboard';
import { getWorkerPerformanceQueryOptions, useWorkerPerformance } from '../api/get-worker-performance';
import { peerMedian } from '../utils/peers';
import { tokens } from './worker-leaderboard';

const HISTORY_COLUMNS: ExportColumn<WorkerRow>[] = [
  { key: 'bucketStart', value: (r) => r.bucketStart },
  { key: 'assigned', value: (r) => r.assigned },
  { key: 'completed', value: (r) => r.completed },
  { key: 'failed', value: (r) => r.failed },
  { key: 'successRate', value: (r) => r.successRate },
  { key: 'completionP50Seconds', value: (r) => r.completionP50Seconds },
  { key: 'completionP95Seconds', value: (r) => r.completionP95Seconds },
  { key: 'paid', value: (r) => r.paid },
];

const JOB_COLUMNS: ExportColumn<JobRow>[] = [
  { key: 'jobId', value: (r) => r.jobId },
  { key: 'client', value: (r) => r.client },
  { key: 'payment', value: (r) => r.payment },
  { key: 'submittedAt', value: (r) => r.submittedAt },
  { key: 'assignedAt', value: (r) => r.assignedAt },
  { key: 'completedAt', value: (r) => r.completedAt },
  { key: 'paidAt', value: (r) => r.paidAt },
  { key: 'submittedToCompletedSeconds', value: (r) => r.submittedToCompletedSeconds },
];

const activityRow = (r: WorkerRow) => ({ t: r.bucketStart, completed: r.completed, failed: r.failed, assigned: r.assigned });
const completionRow = (peers: number | null) => (r: WorkerRow) => ({ t: r.bucketStart, p50: r.completionP50Seconds, p95: r.completionP95Seconds, peers });

const time = (iso: string | null | undefined) => (iso ? iso.slice(11, 19) : '—');

/** One worker: standing and stake (leaderboard), history per bucket, completion time against its peers, its jobs. */
export function WorkerDetail({ worker, query }: { worker: string; query: KpiQuery }) {
  const board = useWorkerLeaderboard({ ...query, worker: undefined, pageSize: 1000 });
  const historyQuery = { ...query, worker, pageSize: 1000 };
  const history = useWorkerPerformance(historyQuery);
  const previous = usePreviousPeriod(getWorkerPerformanceQueryOptions, historyQuery);
  const jobs = useWorkerJobs({ ...query, worker, pageSize: 50 });
  const everyone = board.data?.items ?? [];
  const me = everyone.find((r) => r.worker === worker);
  const peersP50 = peerMedian(everyone, (r) => r.completionP50Seconds);
  const rows = history.data?.items ?? [];

  return (
    <>
      <QueryCard title={<span className="mono">Worker {shortHash(worker, 10)}</span>} subtitle={worker} data-testid="worker-detail" query={board} isEmpty={() => !me} empty="This worker did nothing in this range">
        {() =>
          me && (
          <div className="kpis">
            <KpiCard label="Rank" value={me.rank ?? 'unranked'} valueTestId="worker-rank" hint={`of ${everyone.filter((r) => r.ranked).length} ranked workers`} />
            <KpiCard label="Success rate" value={formatPercent(me.successRate)} valueTestId="worker-success" hint={`${me.completed} completed, ${me.failed} failed`} />
            <KpiCard
              label="Completion p50 vs peers"
              value={formatSeconds(me.completionP50Seconds)}
              valueTestId="worker-p50"
              hint={`peers' median ${formatSeconds(peersP50)}; p95 ${formatSeconds(me.completionP95Seconds)}`}
            />
            <KpiCard label="Stake" value={tokens(me.stake)} valueTestId="worker-stake" />
            <KpiCard label="Paid" value={tokens(me.paid)} valueTestId="worker-paid" hint={`${me.assigned} jobs assigned`} />
          </div>
        )}
      </QueryCard>
      <QueryCard
        title="History"
        subtitle={history.data ? `${history.data.bucket} buckets · paid in range ${tokens(sumAmounts(rows.map((r) => r.paid)))}` : undefined}
        actions={<ExportButtons view="worker-history" rows={rows} columns={HISTORY_COLUMNS} from={history.data?.from} to={history.data?.to} />}
        data-testid="worker-history"
        query={history}
        isEmpty={() => rows.length === 0}
        empty="No activity in this range"
      >
        {() => (
          <div className="grid-2">
            <TimeSeriesChart
              data={rows.map(activityRow)}
              previous={previous && { data: previous.rows.map(activityRow), shiftMs: previous.shiftMs }}
              series={[
                { key: 'assigned', label: 'Assigned', color: 'var(--series-assigned)' },
                { key: 'completed', label: 'Completed', color: 'var(--series-completed)' },
                { key: 'failed', label: 'Failed', color: 'var(--series-failed)' },
              ]}
              data-testid="worker-history-chart"
            />
            <TimeSeriesChart
              data={rows.map(completionRow(peersP50))}
              previous={previous && { data: previous.rows.map(completionRow(peersP50)), shiftMs: previous.shiftMs }}
              series={[
                { key: 'p50', label: 'Completion p50 (s)', color: 'var(--series-submitted)' },
                { key: 'p95', label: 'Completion p95 (s)', color: 'var(--series-failed)' },
                // The peers' median is this range's; the previous period gets no twin of it.
                { key: 'peers', label: "Peers' median p50 (s)", color: 'var(--text-muted)', dashed: true, compare: false },
              ]}
              data-testid="worker-completion-chart"
            />
          </div>
        )}
      </QueryCard>
      <QueryCard
        title="Jobs"
        subtitle={jobs.data ? `${jobs.data.totalCount} jobs, newest 50` : undefined}
        actions={<ExportButtons view="worker-jobs" rows={jobs.data?.items ?? []} columns={JOB_COLUMNS} from={jobs.data?.from} to={jobs.data?.to} />}
        data-testid="worker-jobs"
        query={jobs}
        isEmpty={(answer) => answer.items.length === 0}
        empty="No jobs in this range"
      >
        {(answer) => (
          <table className="table">
            <caption className="visually-hidden">Jobs of the worker</caption>
            <TableHead columns={['Job', 'Client', 'Payment', 'Submitted', 'Assigned', 'Completed', 'Paid', 'Submitted → completed']} />
            <tbody>
              {answer.items.map((job) => (
                <tr key={job.jobId}>
                  <td>{job.jobId}</td>
                  <td className="mono">{job.client ? shortHash(job.client) : '—'}</td>
                  <td>{job.payment ? tokens(job.payment) : '—'}</td>
                  <td className="mono">{time(job.submittedAt)}</td>
                  <td className="mono">{time(job.assignedAt)}</td>
                  <td className="mono">{time(job.completedAt)}</td>
                  <td className="mono">{time(job.paidAt)}</td>
                  <td>{formatSeconds(job.submittedToCompletedSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryCard>
    </>
  );
}
