import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Silence, SilenceRequest } from '@/types/alerts';
import { alertsViewKey } from './keys';

const silencesKey = [...alertsViewKey, 'silences'] as const;

/** GET /api/alerts/silences: pending and active ones; expired=true adds the ended ones. */
export function getSilencesQueryOptions(expired: boolean) {
  return queryOptions({
    queryKey: [...silencesKey, { expired }] as const,
    queryFn: ({ signal }) => api.get<Silence[]>('/api/alerts/silences', { params: { expired }, signal }),
  });
}

export function useSilences(expired: boolean) {
  return useQuery(getSilencesQueryOptions(expired));
}

/** POST /api/alerts/silences (operator). */
export function useCreateSilence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SilenceRequest) => api.post<Silence>('/api/alerts/silences', body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: silencesKey }),
  });
}

/** DELETE /api/alerts/silences/{id} (operator): ends it now, kept for the record. */
export function useExpireSilence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<Silence>(`/api/alerts/silences/${encodeURIComponent(id)}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: silencesKey }),
  });
}
