import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useNow } from '@/hooks/use-now';
import type { kpiQueryOptions } from '@/lib/kpi-api';
import { parseKpiFilters, previousRange } from '@/lib/kpi-filters';
import type { KpiQuery, TablePage } from '@/types/kpi';

export type PreviousPeriod<Row> = { rows: readonly Row[]; shiftMs: number };

/**
 * With the compare toggle on (`?compare=previous`), the same API call a chart's view makes, for the previous period
 * of equal length; undefined while it is off or loading. The chart aligns it with `shiftMs`.
 */
export function usePreviousPeriod<Row>(
  options: (query: KpiQuery) => ReturnType<typeof kpiQueryOptions<Row>>,
  query: KpiQuery,
): PreviousPeriod<Row> | undefined {
  const [params] = useSearchParams();
  // A preset's range ends at the newest block; its previous period moves on with the minute.
  const now = useNow(60_000);
  const enabled = parseKpiFilters(params).compare === true && query.from !== undefined;
  const previous = previousRange({ from: query.from ?? new Date(now).toISOString(), to: query.to }, now);
  const result = useQuery({ ...options({ ...query, from: previous.from, to: previous.to }), enabled });
  const page: TablePage<Row> | undefined = result.data;
  return enabled && page ? { rows: page.items, shiftMs: previous.shiftMs } : undefined;
}
