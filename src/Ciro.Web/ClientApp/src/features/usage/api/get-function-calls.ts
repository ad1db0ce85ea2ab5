import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { GasRow, KpiQuery } from '@/types/kpi';

/**
 * GET /api/kpi/gas per bucket, read for its transaction counts per function: it comes from the hourly rollups,
 * while /api/kpi/usage with hourly buckets recomputes new callers from raw calls (over 30 s on 6 hours of the
 * simulator's chain on this machine).
 */
export function getFunctionCallsQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<GasRow>('/api/kpi/gas', query);
}

export function useFunctionCalls(query: KpiQuery) {
  return useQuery(getFunctionCallsQueryOptions(query));
}
