import { describe, expect, it } from 'vitest';
import type { GasRow, NetworkRow } from '@/types/kpi';
import { callsPerFunction, hourWeekdayHeatmap } from './usage-series';

const gas = (bucketStart: string, fn: string, txCount: number) => ({ bucketStart, function: fn, txCount }) as GasRow;

describe('usage series', () => {
  it('adds call shapes per function and bucket, busiest function first, missing buckets as zero', () => {
    const { functions, points } = callsPerFunction([
      gas('2026-11-30T10:00:00Z', 'claim', 1),
      gas('2026-11-30T10:00:00Z', 'submit', 3),
      gas('2026-11-30T10:00:00Z', 'submit', 2),
      gas('2026-11-30T11:00:00Z', 'submit', 4),
    ]);
    expect(functions).toEqual(['submit', 'claim']);
    expect(points).toEqual([
      { t: '2026-11-30T10:00:00Z', submit: 5, claim: 1 },
      { t: '2026-11-30T11:00:00Z', submit: 4, claim: 0 },
    ]);
  });

  it("gives the previous period the current period's functions, 0 where one had no calls, and no others", () => {
    const { functions, points } = callsPerFunction(
      [gas('2026-11-30T08:00:00Z', 'claim', 2), gas('2026-11-30T08:00:00Z', 'retired', 9), gas('2026-11-30T09:00:00Z', 'submit', 1)],
      ['submit', 'claim'],
    );
    expect(functions).toEqual(['submit', 'claim']);
    expect(points).toEqual([
      { t: '2026-11-30T08:00:00Z', submit: 0, claim: 2 },
      { t: '2026-11-30T09:00:00Z', submit: 1, claim: 0 },
    ]);
  });

  it('puts hourly transactions in their UTC weekday (Monday first) and hour', () => {
    // 2026-11-30 is a Monday; 2026-12-06 a Sunday.
    const cells = hourWeekdayHeatmap([
      { bucketStart: '2026-11-30T13:00:00+00:00', transactions: 7 } as NetworkRow,
      { bucketStart: '2026-12-07T13:00:00+00:00', transactions: 3 } as NetworkRow,
      { bucketStart: '2026-12-06T23:00:00+00:00', transactions: 5 } as NetworkRow,
    ]);
    expect(cells[0]![13]).toBe(10);
    expect(cells[6]![23]).toBe(5);
    expect(cells.flat().reduce((a, b) => a + b, 0)).toBe(15);
  });
});
