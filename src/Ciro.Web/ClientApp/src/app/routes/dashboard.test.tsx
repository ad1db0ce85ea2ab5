import type { HubConnection } from '@microsoft/signalr';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { latestBlockQueryKey } from '@/features/blocks/api/get-latest-block';
import { LiveHubProvider } from '@/features/live/live-hub-provider';
import { kpiBaseKey } from '@/lib/kpi-api';
import { activity, bucket, createTestQueryClient, renderWithProviders, requestUrl, stubFetch } from '@/testing/test-utils';
import type { LatestBlock } from '@/types/api';
import { hubMethods, type BlocksCommitted, type IncidentChanged, type KpiInvalidated, type Reorg, type Resync } from '@/types/messages';
import { createLiveHandlers } from '../live-handlers';
import { DashboardRoute } from './dashboard';

/** Just enough of HubConnection for the provider: records handlers so the test can play the server. */
function fakeHub() {
  const handlers = new Map<string, (payload: unknown) => void>();
  let reconnecting: () => void = () => {};
  const connection = {
    on: (name: string, handler: (payload: unknown) => void) => handlers.set(name.toLowerCase(), handler),
    onreconnecting: (callback: () => void) => (reconnecting = callback),
    onreconnected: () => {},
    onclose: () => {},
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
  return {
    connect: () => connection as unknown as HubConnection,
    send: (name: string, payload: unknown) => act(() => handlers.get(name.toLowerCase())?.(payload)),
    dropConnection: () => act(() => reconnecting()),
  };
}

const block: LatestBlock = {
  blockNumber: 123,
  blockHash: '0x04a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f',
  timestamp: '2026-11-27T22:49:58Z',
  transactionCount: 5,
  revertedCount: 0,
  eventCount: 20,
  feesByUnit: { WEI: '0', FRI: '123456789012345678901' },
  l1Gas: 0,
  l1DataGas: 128,
  l2Gas: 1234567,
};

function renderDashboard() {
  const hub = fakeHub();
  const fetchMock = stubFetch((url) => {
    switch (url.pathname) {
      case '/api/activity/jobs':
        return { body: activity('2026-11-27T22:50:00Z', [bucket('2026-11-27T22:49:00Z', { submitted: 3, assigned: 2, completed: 1 })]) };
      case '/api/blocks/latest':
        return { body: block };
      case '/api/alerts/incidents':
        return {
          body: [
            {
              id: 'i-1',
              rule: 'no-job-completed',
              severity: 'critical',
              state: 'firing',
              startedAt: '2026-11-27T22:40:00Z',
              summary: 'No job completed for 10 minutes',
            },
          ],
        };
      default:
        return { status: 404, body: { title: 'Not Found', status: 404 } };
    }
  });
  const queryClient = createTestQueryClient();
  const view = renderWithProviders(
    <LiveHubProvider handlers={createLiveHandlers(queryClient)} connect={hub.connect} hubUrl="/hubs/activity">
      <DashboardRoute />
    </LiveHubProvider>,
    { queryClient },
  );
  return { hub, fetchMock, ...view };
}

describe('dashboard', () => {
  it('shows the API figures, then applies hub pushes without refetching', async () => {
    const { hub, fetchMock } = renderDashboard();

    expect(await screen.findByRole('heading', { name: 'Ciro — CIRO Network' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('live-status')).toHaveTextContent('live'));
    await waitFor(() => expect(screen.getByTestId('kpi-submitted')).toHaveTextContent(/^3$/));
    expect(screen.getByTestId('kpi-assigned')).toHaveTextContent(/^2$/);
    expect(screen.getByTestId('kpi-completed')).toHaveTextContent(/^1$/);
    expect(screen.getByTestId('latest-block')).toHaveTextContent(/^123$/);
    expect(screen.getByTestId('fees-FRI')).toHaveTextContent('123.456789 STRK');
    expect(await screen.findByText('No job completed for 10 minutes')).toBeInTheDocument();
    const callsBefore = fetchMock.mock.calls.length;

    hub.send(
      'jobsActivity',
      activity('2026-11-27T22:51:00Z', [
        bucket('2026-11-27T22:49:00Z', { submitted: 4, assigned: 2, completed: 2 }),
        bucket('2026-11-27T22:50:00Z', { submitted: 6, assigned: 1 }),
      ]),
    );

    // TanStack Query notifies observers on the next tick.
    await waitFor(() => expect(screen.getByTestId('kpi-submitted')).toHaveTextContent(/^10$/));
    expect(screen.getByTestId('kpi-submitted-last-minute')).toHaveTextContent(/^6$/);
    expect(screen.getByTestId('kpi-completed')).toHaveTextContent(/^2$/);
    expect(fetchMock.mock.calls.length).toBe(callsBefore);
  });

  it('refetches the latest block when the hub reports a committed block', async () => {
    const { hub, fetchMock } = renderDashboard();
    await waitFor(() => expect(screen.getByTestId('latest-block')).toHaveTextContent(/^123$/));
    const blockCalls = () => fetchMock.mock.calls.filter(([input]) => requestUrl(input) === '/api/blocks/latest').length;
    const before = blockCalls();

    const committed: BlocksCommitted = { from: 124, to: 124, headTime: '2026-11-27T22:50:02+00:00' };
    hub.send(hubMethods.blocksCommitted, committed);

    await waitFor(() => expect(blockCalls()).toBe(before + 1));
  });

  it('refreshes the KPI views when the rollups land, not on the block push', () => {
    const queryClient = createTestQueryClient();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    const handlers = createLiveHandlers(queryClient);
    const keys = () => invalidate.mock.calls.map(([filters]) => filters?.queryKey);

    handlers.onBlocksCommitted?.({ from: 124, to: 124, headTime: '2026-11-27T22:50:02+00:00' });
    expect(keys()).toEqual([latestBlockQueryKey]);

    const kpi: KpiInvalidated = { family: 'gas', from: '2026-11-27T22:00:00+00:00', to: '2026-11-27T23:00:00+00:00' };
    handlers.onKpiInvalidated?.(kpi);
    // Every family is announced after a rollup pass: one refresh per KPI_REFRESH_MS serves them all.
    handlers.onKpiInvalidated?.({ ...kpi, family: 'network' });
    expect(keys()).toEqual([latestBlockQueryKey, kpiBaseKey]);
  });

  it('shows a dismissible banner and reloads everything on a reorg', async () => {
    const { hub, fetchMock } = renderDashboard();
    await waitFor(() => expect(screen.getByTestId('kpi-submitted')).toHaveTextContent(/^3$/));
    const before = fetchMock.mock.calls.length;

    const reorg: Reorg = { fromBlock: 118, depth: 2, reason: 'reorg' };
    hub.send(hubMethods.reorg, reorg);

    expect(screen.getByTestId('reorg-banner')).toHaveTextContent('2 blocks replaced from block 118');
    await waitFor(() => expect(fetchMock.mock.calls.length).toBeGreaterThan(before));
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss reorg notice' }));
    expect(screen.queryByTestId('reorg-banner')).not.toBeInTheDocument();
  });

  it('says so when a reindex replaced blocks', async () => {
    const { hub } = renderDashboard();
    await waitFor(() => expect(screen.getByTestId('live-status')).toHaveTextContent('live'));
    const reindex: Reorg = { fromBlock: 40, depth: 0, reason: 'reindex' };
    hub.send(hubMethods.reorg, reindex);
    expect(screen.getByTestId('reorg-banner')).toHaveTextContent('Reindex: blocks from 40 on are being indexed again.');
  });

  it('reloads everything on a resync and the incidents on an incident change', async () => {
    const { hub, fetchMock } = renderDashboard();
    await waitFor(() => expect(screen.getByTestId('kpi-submitted')).toHaveTextContent(/^3$/));
    expect(await screen.findByText('No job completed for 10 minutes')).toBeInTheDocument();
    const calls = (path: string) => fetchMock.mock.calls.filter(([input]) => requestUrl(input).startsWith(path)).length;
    const incidentsBefore = calls('/api/alerts/incidents');
    const blocksBefore = calls('/api/blocks/latest');

    const incident: IncidentChanged = {
      incidentId: '6f9619ff-8b86-d011-b42d-00cf4fc964ff',
      state: 'resolved',
      severity: 'critical',
      rule: 'no-job-completed',
      labels: {},
      at: '2026-11-27T22:52:00+00:00',
    };
    hub.send(hubMethods.incidentChanged, incident);
    await waitFor(() => expect(calls('/api/alerts/incidents')).toBe(incidentsBefore + 1));
    expect(calls('/api/blocks/latest')).toBe(blocksBefore);

    const resync: Resync = { reason: 'reconnected' };
    hub.send(hubMethods.resync, resync);
    await waitFor(() => expect(calls('/api/blocks/latest')).toBe(blocksBefore + 1));
    expect(calls('/api/alerts/incidents')).toBe(incidentsBefore + 2);
  });

  it('leaves "live" when the connection drops', async () => {
    const { hub } = renderDashboard();
    await waitFor(() => expect(screen.getByTestId('live-status')).toHaveTextContent('live'));
    hub.dropConnection();
    expect(screen.getByTestId('live-status')).toHaveTextContent('reconnecting');
  });
});
