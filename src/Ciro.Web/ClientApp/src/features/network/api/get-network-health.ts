import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { KpiQuery, NetworkRow } from '@/types/kpi';

/** GET /api/kpi/network: chain health per bucket (TPS, block time, fullness, gas prices, reverted share). */
export const NETWORK_PATH = '/api/kpi/network';

export function getNetworkHealthQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<NetworkRow>(NETWORK_PATH, query);
}

export function useNetworkHealth(query: KpiQuery, refetchInterval: number | false = false) {
  return useQuery({ ...getNetworkHealthQueryOptions(query), refetchInterval });
}
