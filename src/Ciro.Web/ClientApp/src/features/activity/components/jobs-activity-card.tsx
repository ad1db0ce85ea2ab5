import { useMemo } from 'react';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorCard } from '@/components/ui/error-card';
import { formatUtcDateTime } from '@/utils/format';
import { useJobsActivity } from '../api/get-jobs-activity';
import type { TimeRange } from '../time-range';
import { fillBuckets } from '../utils/buckets';
import { ExportCsvButton } from './export-csv-button';
import { JobsChart } from './jobs-chart';
import { TimeRangeFilter } from './time-range-filter';

type JobsActivityCardProps = {
  range: TimeRange;
  onRangeChange: (range: TimeRange) => void;
  refetchInterval?: number | false;
};

export function JobsActivityCard({ range, onRangeChange, refetchInterval = false }: JobsActivityCardProps) {
  const query = useJobsActivity({ minutes: range, refetchInterval });
  const activity = query.data;
  const hasBlock = activity !== undefined && activity.asOfBlock !== null && activity.asOfBlock !== undefined;
  const buckets = useMemo(() => (activity && hasBlock ? fillBuckets(activity, range) : []), [activity, hasBlock, range]);

  return (
    <Card
      title="Jobs per minute"
      subtitle={
        hasBlock ? `as of block ${activity.asOfBlock} · ${formatUtcDateTime(activity.asOf)}` : 'last minutes, UTC'
      }
      actions={
        <>
          <TimeRangeFilter value={range} onChange={onRangeChange} />
          <ExportCsvButton buckets={buckets} minutes={range} />
        </>
      }
    >
      <div className="chart" data-testid="jobs-chart" aria-busy={query.isFetching}>
        {query.isError && !activity ? (
          <ErrorCard error={query.error} onRetry={() => void query.refetch()} />
        ) : query.isPending ? (
          <p className="loading">Loading…</p>
        ) : buckets.length === 0 ? (
          <EmptyState />
        ) : (
          <JobsChart buckets={buckets} />
        )}
      </div>
    </Card>
  );
}
