import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AbExperimentResult } from '@/types/experiments';
import { experimentsKey } from './keys';

/** GET /api/experiments/ab/{id}/result: the plan with per-variant figures, the interval, latency, SRM, guardrail and decision. */
export function useAbExperimentResult(id: string) {
  return useQuery(
    queryOptions({
      queryKey: [...experimentsKey, 'ab', id, 'result'] as const,
      queryFn: ({ signal }) => api.get<AbExperimentResult>(`/api/experiments/ab/${encodeURIComponent(id)}/result`, { signal }),
    }),
  );
}
