import { describe, expect, it } from 'vitest';
import { formatAge, formatCount, formatInteger, formatRawAmount, formatUnits, formatUtcMinute, groupDigits, shortHash } from './format';

describe('formatUnits (big decimal strings)', () => {
  it('scales an 18-decimal amount beyond 2^53 without losing digits', () => {
    expect(formatUnits('123456789012345678901', 18, 18)).toBe('123.456789012345678901');
  });

  it('rounds half-up at the requested fraction digits and trims zeros', () => {
    expect(formatUnits('123456789012345678901', 18, 6)).toBe('123.456789');
    expect(formatUnits('1999999500000000000', 18, 6)).toBe('2');
    expect(formatUnits('1500000000000000000', 18, 6)).toBe('1.5');
  });

  it('groups the whole part of very large amounts', () => {
    expect(formatUnits('98765432109876543210987654321', 18, 2)).toBe('98,765,432,109.88');
  });

  it('shows zero as 0 and dust as a bound, never as a misleading 0', () => {
    expect(formatUnits('0', 18)).toBe('0');
    expect(formatUnits('1', 18, 6)).toBe('<0.000001');
  });

  it('keeps amounts smaller than one unit exact', () => {
    expect(formatUnits('42', 0)).toBe('42');
    expect(formatUnits('5', 3, 6)).toBe('0.005');
  });

  it('handles negative amounts', () => {
    expect(formatUnits('-2500000000000000000', 18, 6)).toBe('-2.5');
  });

  it('passes through anything that is not an integer string', () => {
    expect(formatUnits('0x10', 18)).toBe('0x10');
    expect(formatUnits('1.5', 18)).toBe('1.5');
    expect(formatUnits('', 18)).toBe('');
  });
});

describe('formatRawAmount', () => {
  it('groups digits of a base-unit string exactly', () => {
    expect(formatRawAmount('123456789012345678901')).toBe('123,456,789,012,345,678,901');
    expect(formatRawAmount('000123')).toBe('123');
    expect(formatRawAmount('0')).toBe('0');
  });
});

describe('number helpers', () => {
  it('groups digits', () => {
    expect(groupDigits('1234567')).toBe('1,234,567');
    expect(groupDigits('123')).toBe('123');
  });

  it('formats counts as plain integers', () => {
    expect(formatCount(1234)).toBe('1234');
    expect(formatCount(undefined)).toBe('—');
    expect(formatInteger(1234567)).toBe('1,234,567');
  });

  it('shortens hashes', () => {
    expect(shortHash('0x04a1b2c3d4e5f60718293a4b5c6d7e8f9')).toBe('0x04a1b2…d7e8f9');
    expect(shortHash('0x1')).toBe('0x1');
  });

  it('formats UTC minutes and ages', () => {
    expect(formatUtcMinute('2026-11-27T22:49:00Z')).toBe('22:49');
    expect(formatAge('2026-11-27T22:47:00Z', Date.parse('2026-11-27T22:50:10Z'))).toBe('3 min ago');
  });
});
