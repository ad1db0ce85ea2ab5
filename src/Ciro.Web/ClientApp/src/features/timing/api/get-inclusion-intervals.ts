import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { InclusionRow, KpiQuery } from '@/types/kpi';

/** GET /api/kpi/timing/inclusion: intervals between consecutive blocks per bucket (count, mean, p50/p95/p99). */
export function getInclusionIntervalsQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<InclusionRow>('/api/kpi/timing/inclusion', query);
}

export function useInclusionIntervals(query: KpiQuery) {
  return useQuery(getInclusionIntervalsQueryOptions(query));
}
