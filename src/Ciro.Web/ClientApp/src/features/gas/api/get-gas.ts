import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { GasRow, KpiQuery } from '@/types/kpi';

/** GET /api/kpi/gas: gas and fees per contract function and call shape per bucket, with p50/p95/p99 of `metric`. */
export const GAS_PATH = '/api/kpi/gas';

export function getGasQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<GasRow>(GAS_PATH, query);
}

export function useGas(query: KpiQuery) {
  return useQuery(getGasQueryOptions(query));
}
