import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AlertIncident, TimelineEntry } from '@/types/alerts';
import { alertsViewKey } from './keys';

const path = (id: string) => `/api/alerts/incidents/${encodeURIComponent(id)}`;

/** GET /api/alerts/incidents/{id}. */
export function getIncidentQueryOptions(id: string) {
  return queryOptions({
    queryKey: [...alertsViewKey, 'incident', id] as const,
    queryFn: ({ signal }) => api.get<AlertIncident>(path(id), { signal }),
  });
}

export function useIncident(id: string) {
  return useQuery(getIncidentQueryOptions(id));
}

/** GET /api/alerts/incidents/{id}/timeline: every transition and delivery attempt, oldest first (the audit trail). */
export function getIncidentTimelineQueryOptions(id: string) {
  return queryOptions({
    queryKey: [...alertsViewKey, 'timeline', id] as const,
    queryFn: ({ signal }) => api.get<TimelineEntry[]>(`${path(id)}/timeline`, { signal }),
  });
}

export function useIncidentTimeline(id: string) {
  return useQuery(getIncidentTimelineQueryOptions(id));
}
