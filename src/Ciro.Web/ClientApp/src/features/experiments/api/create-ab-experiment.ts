import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AbExperiment, CreateAbExperimentRequest } from '@/types/experiments';
import { experimentsKey } from './keys';

/** POST /api/experiments/ab (operator): the plan is fixed from then on; a bad field is a 400 ProblemDetails naming it. */
export function useCreateAbExperiment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateAbExperimentRequest) => api.post<AbExperiment>('/api/experiments/ab', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: experimentsKey }),
  });
}
