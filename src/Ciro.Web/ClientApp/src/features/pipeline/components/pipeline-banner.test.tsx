import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import type { PipelineStatus } from '@/types/api';
import { PipelineBanner } from './pipeline-banner';

const indexing: PipelineStatus = {
  indexerState: 'indexing',
  reason: null,
  since: '2026-11-30T09:00:00Z',
  newestBlock: 120,
  newestBlockTime: '2026-11-30T10:00:00Z',
  newestBlockAgeSeconds: 2,
  checkedAt: '2026-11-30T10:00:02Z',
};

describe('pipeline banner', () => {
  it('shows the halt reason and since when', async () => {
    const reason = 'Reorg deeper than Indexer:MaxReorgDepth = 64: the node\'s blocks 36..100 all differ from the stored ones.';
    stubFetch(() => ({ body: { ...indexing, indexerState: 'halted', reason, since: '2026-11-30T10:01:00Z' } }));
    renderWithProviders(<PipelineBanner />);

    const banner = await screen.findByTestId('pipeline-banner');
    expect(banner).toHaveAttribute('role', 'alert');
    expect(banner).toHaveTextContent('Indexing halted since 2026-11-30 10:01:00 UTC');
    expect(screen.getByTestId('pipeline-banner-reason')).toHaveTextContent(reason);
  });

  it('stays away while indexing', async () => {
    const fetchMock = stubFetch(() => ({ body: indexing }));
    renderWithProviders(<PipelineBanner />);
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByTestId('pipeline-banner')).not.toBeInTheDocument();
  });
});
