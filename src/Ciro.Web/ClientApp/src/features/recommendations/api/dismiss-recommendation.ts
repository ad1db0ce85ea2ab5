import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Recommendation, StatusChange } from '@/types/optimisation';
import { recommendationsViewKey } from './keys';

/** POST /api/recommendations/{id}/dismiss (operator): needs a reason; it stays dismissed when found again. */
export function useDismissRecommendation(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StatusChange) => api.post<Recommendation>(`/api/recommendations/${id}/dismiss`, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: recommendationsViewKey }),
  });
}
