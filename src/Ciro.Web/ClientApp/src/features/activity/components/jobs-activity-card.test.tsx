import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { activity, bucket, renderWithProviders, requestUrl, stubFetch } from '@/testing/test-utils';
import { getJobsActivityQueryOptions } from '../api/get-jobs-activity';
import { useTimeRange } from '../hooks/use-time-range';
import { JobsActivityCard } from './jobs-activity-card';

function Harness() {
  const [range, setRange] = useTimeRange();
  return <JobsActivityCard range={range} onRangeChange={setRange} />;
}

function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => (typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error('the blob was not read as text')));
    reader.onerror = () => reject(reader.error ?? new Error('the blob could not be read'));
    reader.readAsText(blob);
  });
}

const body = activity('2026-11-27T22:50:00Z', [bucket('2026-11-27T22:49:00Z', { submitted: 3, completed: 1 })]);

describe('time-range filter', () => {
  it('gives each window its own query key', () => {
    const keys = [15, 30, 60].map((m) => JSON.stringify(getJobsActivityQueryOptions(m).queryKey));
    expect(new Set(keys).size).toBe(3);
    expect(getJobsActivityQueryOptions(60).queryKey).toEqual(['activity', 'jobs', { minutes: 60 }]);
  });

  it('starts on 30 minutes and switches the query to 60 when the user picks 60 min', async () => {
    const fetchMock = stubFetch(() => ({ body }));
    const { queryClient } = renderWithProviders(<Harness />);

    await waitFor(() => expect(queryClient.getQueryData(getJobsActivityQueryOptions(30).queryKey)).toEqual(body));
    expect(screen.getByRole('radio', { name: '30 min' })).toHaveAttribute('aria-checked', 'true');

    await userEvent.click(screen.getByRole('radio', { name: '60 min' }));

    await waitFor(() => expect(queryClient.getQueryData(getJobsActivityQueryOptions(60).queryKey)).toEqual(body));
    expect(screen.getByRole('radio', { name: '60 min' })).toHaveAttribute('aria-checked', 'true');
    const requested = fetchMock.mock.calls.map(([input]) => requestUrl(input));
    expect(requested).toEqual(['/api/activity/jobs?minutes=30', '/api/activity/jobs?minutes=60']);
  });

  it('reads the initial window from the URL', async () => {
    const fetchMock = stubFetch(() => ({ body }));
    renderWithProviders(<Harness />, { route: '/?range=15' });
    await waitFor(() => expect(fetchMock).toHaveBeenCalledWith('/api/activity/jobs?minutes=15', expect.anything()));
  });
});

describe('jobs activity card', () => {
  it('exports the visible buckets as a CSV download', async () => {
    stubFetch(() => ({ body }));
    // jsdom has no object URLs; capture the Blob instead.
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:csv');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    renderWithProviders(<Harness />, { route: '/?range=15' });

    const button = await screen.findByTestId('export-csv');
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);

    expect(click).toHaveBeenCalledOnce();
    const anchor = click.mock.contexts[0] as HTMLAnchorElement;
    expect(anchor.download).toBe('ciro-jobs-15m-20261127T2249Z.csv');
    const csv = await readBlob(createObjectURL.mock.calls[0]?.[0] as Blob);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(16);
    expect(lines.at(-1)).toBe('2026-11-27T22:49:00Z,3,0,0,1,0');
  });

  it('shows the title and detail of a ProblemDetails error', async () => {
    stubFetch(() => ({
      status: 503,
      body: { type: 'about:blank', title: 'Analytics unavailable', status: 503, detail: 'The database is not reachable.' },
    }));
    renderWithProviders(<Harness />);
    const card = await screen.findByTestId('error-card');
    expect(card).toHaveTextContent('Analytics unavailable');
    expect(card).toHaveTextContent('The database is not reachable.');
  });

  it('says it is waiting for the first block before any block is indexed', async () => {
    stubFetch(() => ({ body: activity('2026-11-27T22:50:00Z', [], null) }));
    renderWithProviders(<Harness />);
    expect(await screen.findByText('waiting for the first block')).toBeInTheDocument();
    expect(screen.getByTestId('export-csv')).toBeDisabled();
  });
});
