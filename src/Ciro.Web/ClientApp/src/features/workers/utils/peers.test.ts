import { describe, expect, it } from 'vitest';
import type { LeaderboardRow } from '@/types/kpi';
import { peerMedian } from './peers';

const worker = (p50: number | null, ranked = true): LeaderboardRow => ({
  rank: ranked ? 1 : null,
  worker: '0x1',
  assigned: 1,
  completed: 1,
  failed: 0,
  successRate: 1,
  completionP50Seconds: p50,
  completionP95Seconds: null,
  paid: '0',
  stake: '0',
  ranked,
});

describe('peerMedian', () => {
  it('takes the middle of the ranked workers only, averaging the two middles of an even count', () => {
    expect(peerMedian([worker(4), worker(2), worker(100, false), worker(3)], (r) => r.completionP50Seconds)).toBe(3);
    expect(peerMedian([worker(4), worker(2)], (r) => r.completionP50Seconds)).toBe(3);
    expect(peerMedian([worker(null), worker(5)], (r) => r.completionP50Seconds)).toBe(5);
  });

  it('is null without ranked peers', () => {
    expect(peerMedian([worker(1, false)], (r) => r.completionP50Seconds)).toBeNull();
  });
});
