import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Recommendation, StatusChange } from '@/types/optimisation';
import { recommendationsViewKey } from './keys';

/** POST /api/recommendations/{id}/accept (operator): the next evaluations verify the saving or report a regression. */
export function useAcceptRecommendation(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StatusChange) => api.post<Recommendation>(`/api/recommendations/${id}/accept`, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: recommendationsViewKey }),
  });
}
