import { formatAge, formatUtcDateTime } from '@/utils/format';
import { usePipelineStatus } from '../api/get-pipeline-status';

/** The indexer stopped and needs an operator (another chain in the database, a reorg deeper than its limit):
 * the figures below are frozen, and this says why and since when. Not dismissable: it goes when indexing resumes. */
export function PipelineBanner() {
  const { data } = usePipelineStatus();
  if (data?.indexerState !== 'halted') return null;
  return (
    <div className="banner banner--critical" role="alert" data-testid="pipeline-banner">
      <span>
        <strong>Indexing halted</strong>
        {data.since && (
          <>
            {' '}
            since <time dateTime={data.since}>{formatUtcDateTime(data.since)}</time> ({formatAge(data.since)})
          </>
        )}
        : <span data-testid="pipeline-banner-reason">{data.reason ?? 'no reason recorded'}</span>
      </span>
    </div>
  );
}
