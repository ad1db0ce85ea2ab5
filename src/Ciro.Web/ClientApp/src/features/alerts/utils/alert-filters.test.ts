import { describe, expect, it } from 'vitest';
import { parseAlertFilters, writeAlertFilters } from './alert-filters';

describe('alert filters', () => {
  it('reads state, severity and rule from the URL and drops what the API would refuse', () => {
    expect(parseAlertFilters(new URLSearchParams('state=acknowledged&severity=critical&rule=gas-spike'))).toEqual({
      state: 'acknowledged',
      severity: 'critical',
      rule: 'gas-spike',
    });
    expect(parseAlertFilters(new URLSearchParams('state=sleeping&severity=loud&rule=a%20b'))).toEqual({
      state: 'open',
      severity: undefined,
      rule: undefined,
    });
  });

  it('writes a change, omits the default state and keeps the shared range', () => {
    const next = writeAlertFilters(new URLSearchParams('period=7d&state=resolved'), { state: 'open', severity: 'warning' });
    expect(next.toString()).toBe('period=7d&severity=warning');
    expect(writeAlertFilters(next, { severity: undefined, rule: 'slow' }).toString()).toBe('period=7d&rule=slow');
  });
});
