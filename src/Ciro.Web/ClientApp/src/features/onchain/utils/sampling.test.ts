import { describe, expect, it } from 'vitest';
import type { CallRow } from '@/types/kpi';
import { formatRate, limitingRate, meanRate, parseTargetError, relativeHalfWidth, sumCalls } from './sampling';

const row = (samples: number, estimated: number, low: number, high: number, actual: number, rateForTarget: number | null = null, fn = 'f'): CallRow => ({
  function: fn,
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
  rateForTarget,
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

  it('takes the rarest function\'s limit as the rate for the whole contract, and reads the target from the URL', () => {
    expect(limitingRate([row(3, 48, 20, 90, 5000, 14, 'stake'), row(1, 16, 2, 60, 800, 3, 'fail_job'), row(0, 0, 0, 59, 0, null, 'idle')])).toEqual({
      rate: 3,
      function: 'fail_job',
    });
    expect(limitingRate([row(0, 0, 0, 59, 0)])).toBeNull();
    expect(parseTargetError('0.05')).toBe(0.05);
    expect(parseTargetError('0.3')).toBe(0.1);
    expect(parseTargetError(null)).toBe(0.1);
  });
});
