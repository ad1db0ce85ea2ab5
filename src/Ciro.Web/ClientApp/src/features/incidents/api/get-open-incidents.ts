import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Incident } from '@/types/api';

export const openIncidentsQueryKey = ['alerts', 'incidents', { state: 'open' }] as const;

// The hub carries no incident messages, so incidents are polled.
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
