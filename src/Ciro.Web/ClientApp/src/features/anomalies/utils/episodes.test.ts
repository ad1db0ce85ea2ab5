import { describe, expect, it } from 'vitest';
import type { AnomalyRow } from '@/types/kpi';
import { episodes } from './episodes';

const hour = (h: number, score: number, warmingUp = false): AnomalyRow => ({
  hour: `2026-11-30T${String(h).padStart(2, '0')}:00:00Z`,
  value: 1,
  score,
  expected: 1,
  lower: 0,
  upper: 2,
  warmingUp,
  episodeStart: false,
  kind: 'None',
  baseline: 'None',
  explanation: `hour ${h}`,
  driver: null,
});

describe('episodes', () => {
  it('joins consecutive anomalous hours and explains each by its peak hour', () => {
    const found = episodes([hour(1, 0.1), hour(2, 0.6), hour(3, 0.9), hour(4, 0.2), hour(5, 0.7), hour(6, 0.4, true)]);
    expect(found.map((e) => [e.from.slice(11, 13), e.to.slice(11, 13), e.hours, e.peakScore, e.peak.explanation])).toEqual([
      ['02', '03', 2, 0.9, 'hour 3'],
      ['05', '05', 1, 0.7, 'hour 5'],
    ]);
  });

  it('ignores warming-up hours whatever their score', () => {
    expect(episodes([hour(1, 0.99, true)])).toEqual([]);
  });
});
