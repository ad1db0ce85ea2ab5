import { ErrorCard } from '@/components/ui/error-card';
import { KpiCard } from '@/components/ui/kpi-card';
import { formatCount } from '@/utils/format';
import { useJobsActivity } from '../api/get-jobs-activity';
import { KPI_TIME_RANGE } from '../time-range';
import { fillBuckets, sumBuckets, type JobCounter } from '../utils/buckets';

const KPIS: readonly { counter: Exclude<JobCounter, 'allocated'>; label: string; testId: string }[] = [
  { counter: 'submitted', label: 'Jobs submitted', testId: 'kpi-submitted' },
  { counter: 'assigned', label: 'Jobs assigned', testId: 'kpi-assigned' },
  { counter: 'completed', label: 'Jobs completed', testId: 'kpi-completed' },
  { counter: 'failed', label: 'Jobs failed', testId: 'kpi-failed' },
];

/** 30-minute totals (the main figure) and the last minute, whatever window the chart shows. */
export function JobsKpis({ refetchInterval = false }: { refetchInterval?: number | false }) {
  const query = useJobsActivity({ minutes: KPI_TIME_RANGE, refetchInterval });
  const buckets = query.data ? fillBuckets(query.data, KPI_TIME_RANGE) : [];
  const totals = sumBuckets(buckets);
  const lastMinute = buckets.at(-1);

  if (query.isError && !query.data) {
    return (
      <div className="kpis__error">
        <ErrorCard error={query.error} onRetry={() => void query.refetch()} />
      </div>
    );
  }

  return (
    <>
      {KPIS.map(({ counter, label, testId }) => (
        <KpiCard
          key={counter}
          label={`${label} · ${KPI_TIME_RANGE} min`}
          tone={counter}
          valueTestId={testId}
          loading={query.isPending}
          value={formatCount(totals[counter])}
          hint={
            <>
              last minute: <span data-testid={`${testId}-last-minute`}>{formatCount(lastMinute?.[counter] ?? 0)}</span>
            </>
          }
        />
      ))}
    </>
  );
}
