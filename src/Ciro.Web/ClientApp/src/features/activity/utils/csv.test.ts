import { describe, expect, it } from 'vitest';
import { activity, bucket } from '@/testing/test-utils';
import { fillBuckets } from './buckets';
import { bucketsToCsv, csvFilename } from './csv';

describe('bucketsToCsv', () => {
  it('writes a header and one CRLF-terminated row per bucket, counters in a fixed order', () => {
    const csv = bucketsToCsv([
      bucket('2026-11-27T22:48:00Z', { submitted: 3, allocated: 2, assigned: 2, completed: 1 }),
      bucket('2026-11-27T22:49:00Z', { submitted: 1, failed: 4 }),
    ]);
    expect(csv).toBe(
      'minute,submitted,allocated,assigned,completed,failed\r\n' +
        '2026-11-27T22:48:00Z,3,2,2,1,0\r\n' +
        '2026-11-27T22:49:00Z,1,0,0,0,4\r\n',
    );
  });

  it('exports the visible window: gaps become zero rows, minutes outside the window are dropped', () => {
    const visible = fillBuckets(
      activity('2026-11-27T22:50:00Z', [
        bucket('2026-11-27T22:40:00Z', { submitted: 9 }),
        bucket('2026-11-27T22:47:00Z', { submitted: 3 }),
        bucket('2026-11-27T22:49:00Z', { completed: 2 }),
      ]),
      3,
    );
    expect(bucketsToCsv(visible).split('\r\n')).toEqual([
      'minute,submitted,allocated,assigned,completed,failed',
      '2026-11-27T22:47:00Z,3,0,0,0,0',
      '2026-11-27T22:48:00Z,0,0,0,0,0',
      '2026-11-27T22:49:00Z,0,0,0,2,0',
      '',
    ]);
  });

  it('writes only the header for an empty window', () => {
    expect(bucketsToCsv([])).toBe('minute,submitted,allocated,assigned,completed,failed\r\n');
  });

  it('names the file after the window and its last minute', () => {
    expect(csvFilename(30, [bucket('2026-11-27T22:49:00Z')])).toBe('ciro-jobs-30m-20261127T2249Z.csv');
    expect(csvFilename(15, [])).toBe('ciro-jobs-15m.csv');
  });
});
