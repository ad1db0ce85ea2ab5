import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api } from './api-client';
import type { KpiQuery, TablePage } from '@/types/kpi';

/** Prefix of every KPI query: a committed block or a reorg invalidates them together. */
export const kpiBaseKey = ['kpi'] as const;

/** Query options for one KPI endpoint and query; each feature's api/ file wraps this for its endpoint. */
export function kpiQueryOptions<Row>(path: string, query: KpiQuery) {
  return queryOptions({
    queryKey: [...kpiBaseKey, path, query] as const,
    queryFn: ({ signal }) => api.get<TablePage<Row>>(path, { params: query, signal }),
    // A changed filter keeps the previous table on screen until the new one arrives.
    placeholderData: keepPreviousData,
  });
}
