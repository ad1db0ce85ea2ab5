import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-client';
import { QueryCard, type CardQuery } from './query-card';

const frame = (query: CardQuery<number[]>) =>
  render(
    <QueryCard title="Rows" query={query} isEmpty={(rows) => rows.length === 0} empty="No rows in this range">
      {(rows) => <p data-testid="content">{rows.join(',')}</p>}
    </QueryCard>,
  );

describe('query card', () => {
  it('shows loading, then the content, or the empty message', () => {
    const { rerender } = frame({ data: undefined, isError: false, error: null, refetch: vi.fn() });
    expect(screen.getByText('Loading…')).toBeInTheDocument();
    rerender(
      <QueryCard title="Rows" query={{ data: [1, 2], isError: false, error: null, refetch: vi.fn() }} isEmpty={(rows) => rows.length === 0}>
        {(rows) => <p data-testid="content">{rows.join(',')}</p>}
      </QueryCard>,
    );
    expect(screen.getByTestId('content')).toHaveTextContent('1,2');
  });

  it('says empty when the answer has nothing', () => {
    frame({ data: [], isError: false, error: null, refetch: vi.fn() });
    expect(screen.getByTestId('empty-state')).toHaveTextContent('No rows in this range');
  });

  it("shows the API's problem without an answer, and keeps an answer when only a refresh failed", () => {
    const error = new ApiError(400, 'Invalid field', "'from' must be before 'to'");
    const { unmount } = frame({ data: undefined, isError: true, error, refetch: vi.fn() });
    expect(screen.getByTestId('error-card')).toHaveTextContent("Invalid field'from' must be before 'to'");
    unmount();
    frame({ data: [3], isError: true, error, refetch: vi.fn() });
    expect(screen.getByTestId('content')).toHaveTextContent('3');
    expect(screen.queryByTestId('error-card')).not.toBeInTheDocument();
  });
});
