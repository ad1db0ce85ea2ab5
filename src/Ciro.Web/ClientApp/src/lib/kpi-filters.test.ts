import { describe, expect, it } from 'vitest';
import { apiRange, parseKpiFilters, previousRange, writeKpiFilters } from './kpi-filters';

describe('the compare toggle in the URL', () => {
  it('is off unless compare=previous, and survives other filter changes', () => {
    expect(parseKpiFilters(new URLSearchParams('period=6h')).compare).toBe(false);
    expect(parseKpiFilters(new URLSearchParams('compare=yes')).compare).toBe(false);
    const on = writeKpiFilters(new URLSearchParams('period=6h'), { compare: true });
    expect(on.toString()).toBe('period=6h&compare=previous');
    expect(parseKpiFilters(on).compare).toBe(true);
    const narrowed = writeKpiFilters(on, { contract: '0xabc' });
    expect(parseKpiFilters(narrowed).compare).toBe(true);
    expect(writeKpiFilters(narrowed, { compare: false }).toString()).toBe('period=6h&contract=0xabc');
  });
});

describe('previousRange', () => {
  it('shifts an absolute range back by its own length', () => {
    expect(previousRange({ from: '2026-11-30T10:00:00.000Z', to: '2026-11-30T13:00:00.000Z' })).toEqual({
      from: '2026-11-30T07:00:00.000Z',
      to: '2026-11-30T10:00:00.000Z',
      shiftMs: 3 * 3_600_000,
    });
  });

  it('takes a preset length from its start to the minute of now (the server ends it at the newest block)', () => {
    const now = Date.parse('2026-11-30T12:34:56.789Z');
    const range = apiRange(parseKpiFilters(new URLSearchParams('period=24h')), now);
    expect(range).toEqual({ from: '2026-11-29T12:34:00.000Z', to: undefined });
    expect(previousRange(range, now)).toEqual({ from: '2026-11-28T12:34:00.000Z', to: '2026-11-29T12:34:00.000Z', shiftMs: 24 * 3_600_000 });
  });
});
