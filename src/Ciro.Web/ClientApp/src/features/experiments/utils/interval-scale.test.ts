import { describe, expect, it } from 'vitest';
import { decisionText, intervalScale, signedGas } from './interval-scale';

describe('interval plot scale', () => {
  it('keeps zero on the axis and pads the span by a tenth on each side', () => {
    const s = intervalScale({ estimate: -400_000, lower: -430_000, upper: -370_000 }, 430);
    // axis [-430,000, 0] padded by 43,000: [-473,000, 43,000] over 430 units = 1,200 gas per unit
    expect(s.min).toBe(-473_000);
    expect(s.max).toBe(43_000);
    expect(s.lower).toBeCloseTo(35.833, 2);
    expect(s.estimate).toBeCloseTo(60.833, 2);
    expect(s.upper).toBeCloseTo(85.833, 2);
    expect(s.zero).toBeCloseTo(394.167, 2);
  });

  it('gives a degenerate interval at zero a visible axis', () => {
    const s = intervalScale({ estimate: 0, lower: 0, upper: 0 }, 100);
    expect(s.zero).toBe(50);
    expect(s.lower).toBe(50);
  });

  it('words the decision and signs gas', () => {
    expect(decisionText('SampleRatioMismatch')).toContain('sample-ratio mismatch');
    expect(decisionText('Other')).toBe('Other');
    expect(signedGas(-400_000)).toBe('−400,000');
    expect(signedGas(12.4)).toBe('+12');
  });
});
