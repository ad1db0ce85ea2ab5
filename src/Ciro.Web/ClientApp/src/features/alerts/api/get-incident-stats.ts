import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { IncidentStats } from '@/types/alerts';
import { alertsViewKey } from './keys';

/** GET /api/alerts/incidents/stats: counts, MTTA and MTTR of the incidents that started in [from, to). */
export function getIncidentStatsQueryOptions(range: { from?: string; to?: string }) {
  return queryOptions({
    queryKey: [...alertsViewKey, 'stats', range] as const,
    queryFn: ({ signal }) => api.get<IncidentStats>('/api/alerts/incidents/stats', { params: range, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useIncidentStats(range: { from?: string; to?: string }) {
  return useQuery(getIncidentStatsQueryOptions(range));
}
