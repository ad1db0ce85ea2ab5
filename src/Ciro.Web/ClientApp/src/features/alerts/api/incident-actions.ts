import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AckRequest, AlertIncident, ResolveRequest } from '@/types/alerts';
import { alertsViewKey } from './keys';

const path = (id: string, action: 'ack' | 'resolve') => `/api/alerts/incidents/${encodeURIComponent(id)}/${action}`;

/** POST /api/alerts/incidents/{id}/ack (operator): stops escalation; the comment goes into the audit trail. */
export function useAcknowledgeIncident(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AckRequest) => api.post<AlertIncident>(path(id, 'ack'), body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertsViewKey }),
  });
}

/** POST /api/alerts/incidents/{id}/resolve (operator). */
export function useResolveIncident(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ResolveRequest) => api.post<AlertIncident>(path(id, 'resolve'), body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertsViewKey }),
  });
}
