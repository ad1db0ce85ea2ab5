import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { KpiQuery, NetworkRow } from '@/types/kpi';

/** GET /api/kpi/network?bucket=hour: transactions per hour of the chain, for the hour × weekday heatmap. */
export function getHourlyTransactionsQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<NetworkRow>('/api/kpi/network', { ...query, bucket: 'hour' });
}

export function useHourlyTransactions(query: KpiQuery) {
  return useQuery(getHourlyTransactionsQueryOptions(query));
}
