import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AbExperiment } from '@/types/experiments';
import { experimentsKey } from './keys';

/** GET /api/experiments/ab: the A/B experiments (archived ones hidden), newest start first. */
export function useAbExperiments() {
  return useQuery(
    queryOptions({
      queryKey: [...experimentsKey, 'ab'] as const,
      queryFn: ({ signal }) => api.get<AbExperiment[]>('/api/experiments/ab', { signal }),
    }),
  );
}
