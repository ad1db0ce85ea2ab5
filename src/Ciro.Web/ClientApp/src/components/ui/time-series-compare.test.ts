import { describe, expect, it } from 'vitest';
import { alignPrevious, comparedSeries } from './time-series-compare';

const HOUR = 3_600_000;

describe('alignPrevious', () => {
  it('puts each previous bucket on the current bucket one period later, under its own key', () => {
    const current = [
      { t: '2026-11-30T10:00:00Z', tps: 5 },
      { t: '2026-11-30T11:00:00Z', tps: 6 },
    ];
    const previous = [
      { t: '2026-11-30T08:00:00Z', tps: 1 },
      { t: '2026-11-30T09:00:00Z', tps: 2 },
    ];
    expect(alignPrevious(current, previous, 2 * HOUR, ['tps'])).toEqual([
      { t: '2026-11-30T10:00:00Z', tps: 5, previous_tps: 1 },
      { t: '2026-11-30T11:00:00Z', tps: 6, previous_tps: 2 },
    ]);
  });

  it('joins a shifted bucket to the current bucket it falls in, and gives one past the current range a point of its own', () => {
    // 36 h of day buckets: a previous day moves to noon, inside the current day that starts before it.
    const current = [
      { t: '2026-11-29T00:00:00Z', v: 10 },
      { t: '2026-11-30T00:00:00Z', v: 20 },
    ];
    const previous = [
      { t: '2026-11-27T00:00:00Z', v: 1 },
      { t: '2026-11-28T00:00:00Z', v: 2 },
      { t: '2026-11-29T00:00:00Z', v: 3 },
    ];
    expect(alignPrevious(current, previous, 36 * HOUR, ['v'])).toEqual([
      { t: '2026-11-28T12:00:00.000Z', previous_v: 1 },
      { t: '2026-11-29T00:00:00Z', v: 10, previous_v: 2 },
      { t: '2026-11-30T00:00:00Z', v: 20, previous_v: 3 },
    ]);
  });

  it('leaves the current rows as they are without a previous period, and a missing value is null', () => {
    const current = [{ t: '2026-11-30T10:00:00Z', a: 1, b: 2 }];
    expect(alignPrevious(current, [], HOUR, ['a', 'b'])).toEqual(current);
    expect(alignPrevious(current, [{ t: '2026-11-30T09:00:00Z', a: 7 }], HOUR, ['a', 'b'])).toEqual([{ t: '2026-11-30T10:00:00Z', a: 1, b: 2, previous_a: 7, previous_b: null }]);
  });
});

describe('comparedSeries', () => {
  it('twins every series but those marked compare: false', () => {
    const series = [{ key: 'p50' }, { key: 'peers', compare: false }, { key: 'p95', compare: true }];
    expect(comparedSeries(series).map((s) => s.key)).toEqual(['p50', 'p95']);
  });
});
