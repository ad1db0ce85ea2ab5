import { describe, expect, it } from 'vitest';
import { formatTimeSpan, timeSpanSeconds } from './time-span';

describe('TimeSpan durations', () => {
  it('reads what the APIs write', () => {
    expect(timeSpanSeconds('00:05:00')).toBe(300);
    expect(timeSpanSeconds('2.01:00:30')).toBe(2 * 86_400 + 3_600 + 30);
    expect(timeSpanSeconds('00:00:01.5000000')).toBe(1.5);
    expect(timeSpanSeconds('5m')).toBeNaN();
  });

  it('writes them as a rule file does', () => {
    expect(formatTimeSpan('00:05:00')).toBe('5m');
    expect(formatTimeSpan('01:30:00')).toBe('1h30m');
    expect(formatTimeSpan('2.00:00:00')).toBe('2d');
    expect(formatTimeSpan('00:01:30')).toBe('1m30s');
    expect(formatTimeSpan('00:00:00')).toBe('0');
    expect(formatTimeSpan(null)).toBe('—');
    expect(formatTimeSpan('soon')).toBe('soon');
  });
});
