import { waitFor } from '@testing-library/react';
import type { ComponentProps } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TimeSeriesChart } from '@/components/ui/time-series-chart';
import type { KpiFilters } from '@/lib/kpi-filters';
import { renderWithProviders, requestUrl, stubFetch } from '@/testing/test-utils';
import type { GasRow } from '@/types/kpi';
import { GasView } from './gas-view';

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
const row = (bucketStart: string, callShape: string, n: number) =>
  ({ bucketStart, contract: '0xabc', function: 'submit', selector: '0x1', callShape, txCount: n, l2Gas: n * 100, l1DataGas: n * 10, l1Gas: n, feeFri: '1', feeWei: '0', metric: 'l2_gas', p50: n * 50, p95: n * 90, shareOfTotal: 0.5 }) as unknown as GasRow;
const page = (items: unknown[]) => ({ items, page: 1, pageSize: 1000, totalCount: items.length, bucket: 'hour', from: FROM, to: TO, notes: [] });

const filters: KpiFilters = { period: '24h', from: FROM, to: TO, contract: '0xabc', function: 'submit', worker: undefined, metric: 'l2_gas', compare: true };

function render(route: string) {
  const fetch = stubFetch((url) => {
    if (url.searchParams.get('bucket') === 'raw') return { body: page([]) };
    return url.searchParams.get('from') === PREVIOUS_FROM
      ? { body: page([row('2026-11-30T08:00:00Z', 'single', 1), row('2026-11-30T08:00:00Z', 'multicall', 7), row('2026-11-30T09:00:00Z', 'single', 2)]) }
      : { body: page([row('2026-11-30T10:00:00Z', 'single', 3), row('2026-11-30T11:00:00Z', 'single', 4)]) };
  });
  renderWithProviders(<GasView filters={filters} query={{ from: FROM, to: TO, contract: '0xabc', function: 'submit' }} onFilter={() => {}} />, { route });
  return fetch;
}

afterEach(() => {
  charts.clear();
  vi.unstubAllGlobals();
});

describe('gas of one function', () => {
  it('with compare=previous, draws the previous 2 h of single calls on both charts, asked with the same metric and function', async () => {
    const fetch = render('/gas?compare=previous');
    await waitFor(() => expect(charts.get('gas-units-chart')?.previous).toBeDefined());
    expect(charts.get('gas-percentile-chart')!.previous).toEqual({
      data: [
        { t: '2026-11-30T08:00:00Z', p50: 50, p95: 90 },
        { t: '2026-11-30T09:00:00Z', p50: 100, p95: 180 },
      ],
      shiftMs: 2 * 3_600_000,
    });
    expect(charts.get('gas-units-chart')!.previous).toEqual({
      data: [
        { t: '2026-11-30T08:00:00Z', l2: 100, l1Data: 10, l1: 1 },
        { t: '2026-11-30T09:00:00Z', l2: 200, l1Data: 20, l1: 2 },
      ],
      shiftMs: 2 * 3_600_000,
    });
    const previous = fetch.mock.calls
      .map(([input]) => new URL(requestUrl(input), 'http://localhost'))
      .find((u) => u.searchParams.get('from') === PREVIOUS_FROM)!;
    expect([previous.pathname, previous.searchParams.get('to'), previous.searchParams.get('function'), previous.searchParams.get('metric')]).toEqual([
      '/api/kpi/gas',
      FROM,
      'submit',
      'l2_gas',
    ]);
  });

  it('without the toggle draws no previous period', async () => {
    render('/gas');
    await waitFor(() => expect(charts.get('gas-units-chart')?.data).toHaveLength(2));
    expect(charts.get('gas-percentile-chart')!.previous).toBeUndefined();
    expect(charts.get('gas-units-chart')!.previous).toBeUndefined();
  });
});
