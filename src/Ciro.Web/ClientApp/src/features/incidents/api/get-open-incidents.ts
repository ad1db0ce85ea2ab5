import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Incident } from '@/types/api';

/** Every incident list (any filter): what an "incidentChanged" push invalidates. */
export const incidentsQueryKey = ['alerts', 'incidents'] as const;
export const openIncidentsQueryKey = [...incidentsQueryKey, { state: 'open' }] as const;

// Pushes ("incidentChanged") refresh the list at once; the poll covers a hub that is down.
const INCIDENTS_POLL_MS = 15_000;

export function getOpenIncidents(signal?: AbortSignal): Promise<Incident[]> {
  return api.get<Incident[]>('/api/alerts/incidents', { params: { state: 'open' }, signal });
}

export function getOpenIncidentsQueryOptions() {
  return queryOptions({
    queryKey: openIncidentsQueryKey,
    queryFn: ({ signal }) => getOpenIncidents(signal),
    refetchInterval: INCIDENTS_POLL_MS,
  });
}

export function useOpenIncidents() {
  return useQuery(getOpenIncidentsQueryOptions());
}
