import { describe, expect, it } from 'vitest';
import { activity, bucket } from '@/testing/test-utils';
import { fillBuckets, sumBuckets, windowEndMs } from './buckets';

describe('fillBuckets', () => {
  it('returns exactly `minutes` buckets ending at the last complete minute, zero-filling gaps', () => {
    const filled = fillBuckets(activity('2026-11-27T22:50:00Z', [bucket('2026-11-27T22:46:00Z', { submitted: 5 })]), 5);
    expect(filled.map((b) => [b.minute, b.submitted])).toEqual([
      ['2026-11-27T22:45:00Z', 0],
      ['2026-11-27T22:46:00Z', 5],
      ['2026-11-27T22:47:00Z', 0],
      ['2026-11-27T22:48:00Z', 0],
      ['2026-11-27T22:49:00Z', 0],
    ]);
  });

  it('includes a partial current minute when the server reports one', () => {
    const data = activity('2026-11-27T22:50:30Z', [bucket('2026-11-27T22:50:00Z', { submitted: 1 })]);
    expect(new Date(windowEndMs(data) ?? 0).toISOString()).toBe('2026-11-27T22:50:00.000Z');
    expect(fillBuckets(data, 2).map((b) => b.submitted)).toEqual([0, 1]);
  });

  it('normalises minute spellings so a bucket with milliseconds still lands in its slot', () => {
    const filled = fillBuckets(activity('2026-11-27T22:50:00Z', [bucket('2026-11-27T22:49:00.000Z', { failed: 2 })]), 1);
    expect(filled).toEqual([bucket('2026-11-27T22:49:00Z', { failed: 2 })]);
  });

  it('sums counters', () => {
    expect(sumBuckets([bucket('a', { submitted: 2, failed: 1 }), bucket('b', { submitted: 3 })])).toEqual({
      submitted: 5,
      allocated: 0,
      assigned: 0,
      completed: 0,
      failed: 1,
    });
  });
});
