import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { UpgradeReport } from '@/types/experiments';
import { experimentsKey } from './keys';

/** GET /api/experiments/upgrades: every class replacement with its before/after per function. */
export function useUpgradeReports() {
  return useQuery(
    queryOptions({
      queryKey: [...experimentsKey, 'upgrades'] as const,
      queryFn: ({ signal }) => api.get<UpgradeReport[]>('/api/experiments/upgrades', { signal }),
    }),
  );
}
