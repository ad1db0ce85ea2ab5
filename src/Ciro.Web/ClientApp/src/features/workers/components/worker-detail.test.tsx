import { waitFor } from '@testing-library/react';
import type { ComponentProps } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TimeSeriesChart } from '@/components/ui/time-series-chart';
import { renderWithProviders, stubFetch } from '@/testing/test-utils';
import { WorkerDetail } from './worker-detail';

// The chart draws nothing measurable in jsdom: record what each chart is given instead.
const charts = vi.hoisted(() => new Map<string, ComponentProps<typeof TimeSeriesChart>>());
vi.mock('@/components/ui/time-series-chart', () => ({
  TimeSeriesChart: (props: ComponentProps<typeof TimeSeriesChart>) => {
    charts.set(props['data-testid']!, props);
    return <div data-testid={props['data-testid']} />;
  },
}));

const FROM = '2026-11-30T10:00:00.000Z';
const TO = '2026-11-30T12:00:00.000Z';
const PREVIOUS_FROM = '2026-11-30T08:00:00.000Z';
const WORKER = '0xw1';
const bucket = (bucketStart: string, completed: number) => ({
  bucketStart,
  worker: WORKER,
  assigned: completed + 1,
  completed,
  failed: 1,
  successRate: 0.5,
  completionP50Seconds: completed * 10,
  completionP95Seconds: completed * 20,
  paid: '0',
});
const leader = (worker: string, p50: number) => ({ worker, rank: 1, ranked: true, completionP50Seconds: p50, completed: 1, failed: 0, assigned: 1, successRate: 1, stake: '0', paid: '0' });
const page = (items: unknown[]) => ({ items, page: 1, pageSize: 1000, totalCount: items.length, bucket: 'hour', from: FROM, to: TO, notes: [] });

function render(route: string) {
  const fetch = stubFetch((url) => {
    if (url.pathname === '/api/kpi/workers/leaderboard') return { body: page([leader(WORKER, 30), leader('0xw2', 50), leader('0xw3', 70)]) };
    if (url.searchParams.get('bucket') === 'raw') return { body: page([]) };
    return url.searchParams.get('from') === PREVIOUS_FROM
      ? { body: page([bucket('2026-11-30T08:00:00Z', 2), bucket('2026-11-30T09:00:00Z', 5)]) }
      : { body: page([bucket('2026-11-30T10:00:00Z', 3), bucket('2026-11-30T11:00:00Z', 4)]) };
  });
  renderWithProviders(<WorkerDetail worker={WORKER} query={{ from: FROM, to: TO }} />, { route });
  return fetch;
}

afterEach(() => {
  charts.clear();
  vi.unstubAllGlobals();
});

describe('worker history', () => {
  it("with compare=previous, draws the worker's previous 2 h on both charts, and no previous twin of the peers' median", async () => {
    render(`/workers/${WORKER}?compare=previous`);
    await waitFor(() => expect(charts.get('worker-completion-chart')?.previous).toBeDefined());
    expect(charts.get('worker-history-chart')!.previous).toEqual({
      data: [
        { t: '2026-11-30T08:00:00Z', completed: 2, failed: 1, assigned: 3 },
        { t: '2026-11-30T09:00:00Z', completed: 5, failed: 1, assigned: 6 },
      ],
      shiftMs: 2 * 3_600_000,
    });
    const completion = charts.get('worker-completion-chart')!;
    expect(completion.previous).toEqual({
      data: [
        { t: '2026-11-30T08:00:00Z', p50: 20, p95: 40, peers: 50 },
        { t: '2026-11-30T09:00:00Z', p50: 50, p95: 100, peers: 50 },
      ],
      shiftMs: 2 * 3_600_000,
    });
    expect(completion.series.filter((s) => s.compare === false).map((s) => s.key)).toEqual(['peers']);
  });

  it('without the toggle draws no previous period', async () => {
    render(`/workers/${WORKER}`);
    await waitFor(() => expect(charts.get('worker-history-chart')?.data).toHaveLength(2));
    expect(charts.get('worker-history-chart')!.previous).toBeUndefined();
    expect(charts.get('worker-completion-chart')!.previous).toBeUndefined();
  });
});
