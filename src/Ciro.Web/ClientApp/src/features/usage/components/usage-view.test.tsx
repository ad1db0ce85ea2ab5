import { waitFor } from '@testing-library/react';
import type { ComponentProps } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TimeSeriesChart } from '@/components/ui/time-series-chart';
import { renderWithProviders, requestUrl, stubFetch } from '@/testing/test-utils';
import type { GasRow } from '@/types/kpi';
import { CallsOverTimeCard } from './usage-view';

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
const gas = (bucketStart: string, fn: string, txCount: number) => ({ bucketStart, function: fn, txCount, callShape: 'single' }) as GasRow;
const page = (items: GasRow[]) => ({ items, page: 1, pageSize: 1000, totalCount: items.length, bucket: 'hour', from: FROM, to: TO, notes: [] });

function render(route: string) {
  const fetch = stubFetch((url) =>
    url.searchParams.get('from') === PREVIOUS_FROM
      ? { body: page([gas('2026-11-30T08:00:00Z', 'claim', 4), gas('2026-11-30T09:00:00Z', 'submit', 1)]) }
      : { body: page([gas('2026-11-30T10:00:00Z', 'submit', 3), gas('2026-11-30T11:00:00Z', 'claim', 2)]) },
  );
  renderWithProviders(<CallsOverTimeCard query={{ from: FROM, to: TO, contract: '0xabc' }} />, { route });
  return fetch;
}

afterEach(() => {
  charts.clear();
  vi.unstubAllGlobals();
});

describe('transactions per function over time', () => {
  it('with compare=previous, asks for the previous 2 h with the same filters and draws it per current function', async () => {
    const fetch = render('/usage?compare=previous');
    await waitFor(() => expect(charts.get('usage-chart')?.previous).toBeDefined());
    expect(charts.get('usage-chart')!.previous).toEqual({
      data: [
        { t: '2026-11-30T08:00:00Z', submit: 0, claim: 4 },
        { t: '2026-11-30T09:00:00Z', submit: 1, claim: 0 },
      ],
      shiftMs: 2 * 3_600_000,
    });
    const asked = fetch.mock.calls.map(([input]) => new URL(requestUrl(input), 'http://localhost'));
    const previous = asked.find((u) => u.searchParams.get('from') === PREVIOUS_FROM)!;
    expect([previous.pathname, previous.searchParams.get('to'), previous.searchParams.get('contract')]).toEqual(['/api/kpi/gas', FROM, '0xabc']);
  });

  it('without the toggle draws no previous period and asks for none', async () => {
    const fetch = render('/usage');
    await waitFor(() => expect(charts.get('usage-chart')?.data).toHaveLength(2));
    expect(charts.get('usage-chart')!.previous).toBeUndefined();
    expect(fetch.mock.calls.map(([input]) => new URL(requestUrl(input), 'http://localhost').searchParams.get('from'))).not.toContain(PREVIOUS_FROM);
  });
});
