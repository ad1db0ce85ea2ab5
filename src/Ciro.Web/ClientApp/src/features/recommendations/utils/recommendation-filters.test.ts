import { describe, expect, it } from 'vitest';
import { parseRecommendationState, statusParam, writeRecommendationState } from './recommendation-filters';

describe('recommendation state filter', () => {
  it('reads a known state and drops one the API would refuse', () => {
    expect(parseRecommendationState(new URLSearchParams('state=dismissed'))).toBe('dismissed');
    expect(parseRecommendationState(new URLSearchParams('state=open'))).toBe('all');
    expect(parseRecommendationState(new URLSearchParams(''))).toBe('all');
  });

  it('keeps the other filters, omits the default and sends no status for all', () => {
    const next = writeRecommendationState(new URLSearchParams('period=7d&contract=0xabc'), 'verified');
    expect(next.toString()).toBe('period=7d&contract=0xabc&state=verified');
    expect(writeRecommendationState(next, 'all').toString()).toBe('period=7d&contract=0xabc');
    expect(statusParam('all')).toBeUndefined();
    expect(statusParam('new')).toBe('new');
  });
});
