import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { AnomalyRow, KpiQuery } from '@/types/kpi';

/** GET /api/kpi/anomalies: a series scored hourly in [0, 1], with its expected band and an explanation per hour. */
export function getAnomaliesQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<AnomalyRow>('/api/kpi/anomalies', query);
}

export function useAnomalies(query: KpiQuery) {
  return useQuery(getAnomaliesQueryOptions(query));
}
