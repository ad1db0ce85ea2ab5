import { describe, expect, it } from 'vitest';
import type { GasRow } from '@/types/kpi';
import { groupByFunction } from './group-gas';

const row = (bucketStart: string, fn: string, shape: string, l2Gas: number, feeFri: string): GasRow => ({
  bucketStart,
  contract: '0xabc',
  function: fn,
  selector: '0x1',
  callShape: shape,
  txCount: 2,
  succeeded: 2,
  reverted: 0,
  l1Gas: 0,
  l1DataGas: 10,
  l2Gas,
  feeWei: '0',
  feeFri,
  metric: 'l2_gas',
  p50: null,
  p95: null,
  p99: null,
  shareOfTotal: null,
});

describe('groupByFunction', () => {
  it('adds up buckets and call shapes per function, fees exactly, biggest share first', () => {
    const groups = groupByFunction(
      [
        row('2026-11-30T10:00:00Z', 'submit', 'single', 300, '18446744073709551616'),
        row('2026-11-30T11:00:00Z', 'submit', 'multicall', 300, '1'),
        row('2026-11-30T11:00:00Z', 'claim', 'single', 400, '5'),
      ],
      'l2_gas',
    );
    expect(groups.map((g) => [g.function, g.txCount, g.l2Gas, g.l1DataGas, g.feeFri, g.share])).toEqual([
      ['submit', 4, 600, 20, '18446744073709551617', 0.6],
      ['claim', 2, 400, 10, '5', 0.4],
    ]);
  });

  it('has no share when the metric is zero everywhere', () => {
    expect(groupByFunction([row('2026-11-30T10:00:00Z', 'f', 'single', 0, '0')], 'l2_gas')[0]?.share).toBeNull();
  });
});
