import { describe, expect, it } from 'vitest';
import type { ClassChange } from '@/types/kpi';
import { placeAnnotations } from './chart-annotations';

const change = (blockTime: string, change: 'deployed' | 'replaced', blockNumber = 7): ClassChange => ({
  blockNumber,
  blockTime,
  contract: '0x0123456789abcdef',
  change,
  classHash: '0xbbb',
  previousClassHash: change === 'replaced' ? '0xaaa' : null,
});

const hours = ['2026-11-30T10:00:00Z', '2026-11-30T11:00:00Z', '2026-11-30T12:00:00Z'];

describe('class changes on a time chart', () => {
  it('puts a change in the bucket it fell in and leaves out what is off the chart', () => {
    const placed = placeAnnotations(hours, [
      change('2026-11-30T11:59:59Z', 'replaced', 41),
      change('2026-11-30T09:59:59Z', 'deployed'),
      change('2026-11-30T13:00:00Z', 'replaced'),
    ]);
    expect(placed).toEqual([
      {
        t: '2026-11-30T11:00:00Z',
        label: 'upgrade 0x0123…cdef',
        description: 'Block 41: 0x0123456789abcdef upgraded from class 0xaaa to 0xbbb',
      },
    ]);
  });

  it('counts several changes of one bucket on one line, and the last bucket takes its neighbour width', () => {
    const placed = placeAnnotations(hours, [change('2026-11-30T12:10:00Z', 'deployed', 50), change('2026-11-30T12:59:00Z', 'replaced', 51)]);
    expect(placed).toHaveLength(1);
    expect(placed[0]!.t).toBe('2026-11-30T12:00:00Z');
    expect(placed[0]!.label).toBe('2 class changes');
    expect(placed[0]!.description).toContain('Block 50: 0x0123456789abcdef deployed with class 0xbbb; Block 51');
    expect(placeAnnotations([], [change('2026-11-30T12:10:00Z', 'deployed')])).toEqual([]);
  });
});
