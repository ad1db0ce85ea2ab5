import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import type { LatestBlock } from '@/types/api';
import { BlockAgeKpi, STALE_BLOCK_SECONDS } from './block-age-kpi';

function blockAt(secondsAgo: number): LatestBlock {
  return {
    blockNumber: 37,
    blockHash: '0x1',
    timestamp: new Date(Date.now() - secondsAgo * 1000).toISOString(),
    transactionCount: 1,
    revertedCount: 0,
    eventCount: 2,
    feesByUnit: {},
    l1Gas: 0,
    l1DataGas: 0,
    l2Gas: 0,
  };
}

describe('newest block age', () => {
  it('is a plain figure while blocks arrive', async () => {
    stubFetch(() => ({ body: blockAt(5) }));
    renderWithProviders(<BlockAgeKpi />);
    expect(await screen.findByText('block 37')).toBeInTheDocument();
    expect(screen.getByTestId('newest-block-age')).toHaveTextContent(/^[5-7] s ago$/);
    expect(screen.queryByTestId('stale-warning')).not.toBeInTheDocument();
  });

  it('turns into a warning past the threshold', async () => {
    stubFetch(() => ({ body: blockAt(38 * 60) }));
    renderWithProviders(<BlockAgeKpi />);
    expect(await screen.findByTestId('stale-warning')).toHaveTextContent(`no new block for over ${STALE_BLOCK_SECONDS} s`);
    expect(screen.getByTestId('newest-block-age')).toHaveTextContent('38 min ago');
    expect(screen.getByTestId('newest-block-age').closest('section')).toHaveClass('kpi--warning');
  });
});
