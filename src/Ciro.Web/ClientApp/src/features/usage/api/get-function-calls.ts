import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { GasRow, KpiQuery } from '@/types/kpi';

/**
 * GET /api/kpi/gas per bucket, read for its transaction counts per function: it comes from the hourly rollups.
 * (Chosen when /api/kpi/usage read raw calls, over 30 s on 6 hours of the simulator's chain; usage now reads its
 * own rollup per function and caller, which still costs more than the gas rows when only counts are needed.)
 */
export function getFunctionCallsQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<GasRow>('/api/kpi/gas', query);
}

export function useFunctionCalls(query: KpiQuery) {
  return useQuery(getFunctionCallsQueryOptions(query));
}
