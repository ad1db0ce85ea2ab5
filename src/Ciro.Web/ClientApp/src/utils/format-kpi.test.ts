import { describe, expect, it } from 'vitest';
import { formatAmountShort } from './format-kpi';

describe('formatAmountShort', () => {
  it('keeps at most two decimals under the largest SI prefix, cut not rounded', () => {
    expect(formatAmountShort('3000000000', 'FRI')).toBe('3 GFRI');
    expect(formatAmountShort('27012882533547', 'FRI')).toBe('27.01 TFRI');
    expect(formatAmountShort('206880', 'FRI')).toBe('206.88 kFRI');
    expect(formatAmountShort('1999', 'FRI')).toBe('1.99 kFRI');
    expect(formatAmountShort('1050', 'FRI')).toBe('1.05 kFRI');
    expect(formatAmountShort('1500000', 'FRI')).toBe('1.5 MFRI');
    expect(formatAmountShort('999', 'FRI')).toBe('999 FRI');
    expect(formatAmountShort('-2500', 'FRI')).toBe('-2.5 kFRI');
  });

  it('is exact beyond the range of a double', () => {
    expect(formatAmountShort('123456789012345678901234', 'FRI')).toBe('123,456.78 EFRI');
  });

  it('shows a dash for no data', () => {
    expect(formatAmountShort(null, 'FRI')).toBe('—');
  });
});
