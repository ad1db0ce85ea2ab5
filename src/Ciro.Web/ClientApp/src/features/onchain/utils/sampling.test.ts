import { describe, expect, it } from 'vitest';
import type { CallRow } from '@/types/kpi';
import { formatRate, meanRate, relativeHalfWidth, sumCalls } from './sampling';

const row = (samples: number, estimated: number, low: number, high: number, actual: number): CallRow => ({
  function: 'f',
  contract: '0x1',
  hour: null,
  samples,
  estimated,
  low,
  high,
  flushed: null,
  actual,
  difference: estimated - actual,
  relativeError: actual ? (estimated - actual) / actual : null,
  withinInterval: low <= actual && actual <= high,
});

describe('sampling figures', () => {
  it('shows the rate the samples carry, and a mean when the rate changed mid-range', () => {
    expect(formatRate(meanRate(16 * 7, 7))).toBe('1/16');
    expect(formatRate(meanRate(16 + 64, 3))).toBe('1/26.7');
    expect(formatRate(meanRate(0, 0))).toBe('—');
  });

  it('gives the interval half-width relative to the estimate and sums the calls table', () => {
    expect(relativeHalfWidth(100, 80, 130)).toBe(0.25);
    expect(relativeHalfWidth(0, 0, 59)).toBeNull();
    expect(sumCalls([row(3, 48, 20, 90, 50), row(1, 16, 2, 60, 10)])).toEqual({ samples: 4, estimated: 64, actual: 60 });
  });
});
