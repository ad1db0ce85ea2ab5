import type { JobsActivity, JobsBucket } from '@/types/api';

export const MINUTE_MS = 60_000;

export type JobCounter = 'submitted' | 'allocated' | 'assigned' | 'completed' | 'failed';
export const JOB_COUNTERS: readonly JobCounter[] = ['submitted', 'allocated', 'assigned', 'completed', 'failed'];

export type JobTotals = Record<JobCounter, number>;

function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** "2026-11-27T22:49:00Z", the server's own spelling (no milliseconds). */
export function minuteIso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The last minute of the window: the last complete minute before `asOf`, or a later bucket if the server
 * already reports the current, partial minute. Null when nothing is known yet.
 */
export function windowEndMs(activity: Pick<JobsActivity, 'asOf' | 'buckets'>): number | null {
  const asOfMs = Date.parse(activity.asOf);
  const lastBucket = activity.buckets.at(-1);
  const lastBucketMs = lastBucket ? floorMinute(Date.parse(lastBucket.minute)) : Number.NaN;
  const lastCompleteMs = Number.isNaN(asOfMs) ? Number.NaN : floorMinute(asOfMs) - MINUTE_MS;
  const candidates = [lastBucketMs, lastCompleteMs].filter((ms) => !Number.isNaN(ms));
  return candidates.length === 0 ? null : Math.max(...candidates);
}

export function emptyBucket(minuteMs: number): JobsBucket {
  return { minute: minuteIso(minuteMs), submitted: 0, allocated: 0, assigned: 0, completed: 0, failed: 0 };
}

/**
 * Exactly `minutes` buckets, oldest → newest, ending at the window end; minutes the server skipped are zero.
 * This is what the chart draws and what "Export CSV" writes.
 */
export function fillBuckets(activity: JobsActivity, minutes: number): JobsBucket[] {
  const end = windowEndMs(activity);
  if (end === null) return [];
  const byMinute = new Map<number, JobsBucket>();
  for (const bucket of activity.buckets) {
    const ms = Date.parse(bucket.minute);
    if (!Number.isNaN(ms)) byMinute.set(floorMinute(ms), bucket);
  }
  const filled: JobsBucket[] = [];
  for (let ms = end - (minutes - 1) * MINUTE_MS; ms <= end; ms += MINUTE_MS) {
    const bucket = byMinute.get(ms);
    filled.push(bucket ? { ...bucket, minute: minuteIso(ms) } : emptyBucket(ms));
  }
  return filled;
}

export function sumBuckets(buckets: readonly JobsBucket[]): JobTotals {
  const totals: JobTotals = { submitted: 0, allocated: 0, assigned: 0, completed: 0, failed: 0 };
  for (const bucket of buckets) {
    for (const counter of JOB_COUNTERS) totals[counter] += bucket[counter] ?? 0;
  }
  return totals;
}
