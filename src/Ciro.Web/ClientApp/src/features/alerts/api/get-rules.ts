import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { RuleList } from '@/types/alerts';
import { alertsViewKey } from './keys';

export const rulesKey = [...alertsViewKey, 'rules'] as const;

/** GET /api/rules: the rule files' rules and the API's, each with its source, and the problems of those left out. */
export function getRulesQueryOptions() {
  return queryOptions({
    queryKey: rulesKey,
    queryFn: ({ signal }) => api.get<RuleList>('/api/rules', { signal }),
  });
}

export function useRules() {
  return useQuery(getRulesQueryOptions());
}
