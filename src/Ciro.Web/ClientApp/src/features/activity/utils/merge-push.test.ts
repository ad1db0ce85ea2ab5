import { describe, expect, it } from 'vitest';
import { activity, bucket, createTestQueryClient } from '@/testing/test-utils';
import type { JobsActivity } from '@/types/api';
import { getJobsActivityQueryOptions } from '../api/get-jobs-activity';
import { applyJobsActivityPush, mergeJobsActivity } from './merge-push';

const cached = activity(
  '2026-11-27T22:50:00Z',
  [
    bucket('2026-11-27T22:47:00Z', { submitted: 1 }),
    bucket('2026-11-27T22:48:00Z', { submitted: 2 }),
    bucket('2026-11-27T22:49:00Z', { submitted: 3, assigned: 1 }),
  ],
  120,
);

describe('mergeJobsActivity', () => {
  it('replaces pushed minutes, appends new ones, keeps older ones and advances asOf', () => {
    const push = activity(
      '2026-11-27T22:51:00Z',
      [bucket('2026-11-27T22:49:00Z', { submitted: 4, assigned: 2 }), bucket('2026-11-27T22:50:00Z', { submitted: 7 })],
      123,
    );
    const merged = mergeJobsActivity(cached, push, 30);
    expect(merged?.asOfBlock).toBe(123);
    expect(merged?.asOf).toBe('2026-11-27T22:51:00Z');
    expect(merged?.buckets.map((b) => [b.minute.slice(11, 16), b.submitted])).toEqual([
      ['22:47', 1],
      ['22:48', 2],
      ['22:49', 4],
      ['22:50', 7],
    ]);
  });

  it('trims minutes that slid out of the window', () => {
    const push = activity('2026-11-27T22:51:00Z', [bucket('2026-11-27T22:50:00Z', { submitted: 7 })], 123);
    const merged = mergeJobsActivity(cached, push, 2);
    expect(merged?.buckets.map((b) => b.minute)).toEqual(['2026-11-27T22:49:00Z', '2026-11-27T22:50:00Z']);
  });

  it('ignores a push older than the cache', () => {
    const stale = activity('2026-11-27T22:45:00Z', [bucket('2026-11-27T22:44:00Z', { submitted: 99 })], 100);
    expect(mergeJobsActivity(cached, stale, 30)).toBe(cached);
  });

  it('does not invent a window that was never fetched', () => {
    expect(mergeJobsActivity(undefined, cached, 30)).toBeUndefined();
  });
});

describe('applyJobsActivityPush', () => {
  it('updates every cached window in the query cache and leaves unloaded windows alone', () => {
    const queryClient = createTestQueryClient();
    const key30 = getJobsActivityQueryOptions(30).queryKey;
    const key15 = getJobsActivityQueryOptions(15).queryKey;
    const key60 = getJobsActivityQueryOptions(60).queryKey;
    queryClient.setQueryData(key30, cached);
    queryClient.setQueryData(key15, cached);
    // A 60-minute query that exists but has no data yet (still loading).
    queryClient.getQueryCache().build(queryClient, { queryKey: key60 });

    const push = activity('2026-11-27T22:51:00Z', [bucket('2026-11-27T22:50:00Z', { completed: 5 })], 124);
    applyJobsActivityPush(queryClient, push);

    for (const key of [key30, key15]) {
      const data = queryClient.getQueryData<JobsActivity>(key);
      expect(data?.asOfBlock).toBe(124);
      expect(data?.buckets.at(-1)).toEqual(bucket('2026-11-27T22:50:00Z', { completed: 5 }));
    }
    expect(queryClient.getQueryData(key60)).toBeUndefined();
  });
});
