import type { QueryClient } from '@tanstack/react-query';
import type { JobsActivity, JobsBucket } from '@/types/api';
import { jobsActivityBaseKey, type JobsActivityQueryKey } from '../api/get-jobs-activity';
import { MINUTE_MS, windowEndMs } from './buckets';

/**
 * Folds a hub "jobsActivity" push into one cached window. Pushed minutes replace cached ones (their counts are
 * newer), cached minutes the push doesn't cover are kept, and the result is trimmed to the last `minutes`.
 * A push older than the cache (out-of-order delivery) is ignored. Returns undefined when nothing is cached yet:
 * the window's own fetch will fill it.
 */
export function mergeJobsActivity(
  current: JobsActivity | undefined,
  push: JobsActivity,
  minutes: number,
): JobsActivity | undefined {
  if (current === undefined) return undefined;
  const pushAsOf = Date.parse(push.asOf);
  const currentAsOf = Date.parse(current.asOf);
  if (!Number.isNaN(currentAsOf) && !Number.isNaN(pushAsOf) && pushAsOf < currentAsOf) return current;

  const byMinute = new Map<number, JobsBucket>();
  for (const bucket of [...current.buckets, ...push.buckets]) {
    const ms = Date.parse(bucket.minute);
    if (!Number.isNaN(ms)) byMinute.set(ms, bucket);
  }
  const merged = [...byMinute.entries()].sort(([a], [b]) => a - b);
  const end = windowEndMs({ asOf: push.asOf, buckets: merged.map(([, bucket]) => bucket) });
  const start = end === null ? Number.NEGATIVE_INFINITY : end - (minutes - 1) * MINUTE_MS;

  return {
    asOfBlock: push.asOfBlock ?? current.asOfBlock,
    asOf: push.asOf,
    buckets: merged.filter(([ms]) => ms >= start).map(([, bucket]) => bucket),
  };
}

/** Applies a push to every cached window (15/30/60 min) so the chart and the KPIs update without a refetch. */
export function applyJobsActivityPush(queryClient: QueryClient, push: JobsActivity): void {
  const queries = queryClient.getQueryCache().findAll({ queryKey: jobsActivityBaseKey });
  for (const query of queries) {
    const key = query.queryKey as JobsActivityQueryKey;
    const minutes = key[2]?.minutes;
    if (typeof minutes !== 'number') continue;
    queryClient.setQueryData<JobsActivity>(key, (current) => mergeJobsActivity(current, push, minutes));
  }
}
