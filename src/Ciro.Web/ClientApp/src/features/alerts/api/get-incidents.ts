import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AlertIncident } from '@/types/alerts';
import { alertsViewKey } from './keys';

export type IncidentsQuery = { state: string; severity?: string; rule?: string; from?: string; to?: string; limit: number };

/** GET /api/alerts/incidents: newest first, filtered by state, severity, rule and start time. */
export function getIncidentsQueryOptions(query: IncidentsQuery) {
  return queryOptions({
    queryKey: [...alertsViewKey, 'incidents', query] as const,
    queryFn: ({ signal }) => api.get<AlertIncident[]>('/api/alerts/incidents', { params: query, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useIncidents(query: IncidentsQuery) {
  return useQuery(getIncidentsQueryOptions(query));
}
