import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AbExperiment } from '@/types/experiments';
import { experimentsKey } from './keys';

/** POST /api/experiments/ab/{id}/stop (operator): the result window ends now; a 409 when it is not running. */
export function useStopAbExperiment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<AbExperiment>(`/api/experiments/ab/${id}/stop`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: experimentsKey }),
  });
}
