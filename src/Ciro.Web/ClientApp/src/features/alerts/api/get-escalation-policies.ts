import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { PolicyList } from '@/types/alerts';
import { alertsViewKey } from './keys';

/** GET /api/alerts/escalation-policies: the configured policies then the API's, in the order incidents are matched. */
export function getEscalationPoliciesQueryOptions() {
  return queryOptions({
    queryKey: [...alertsViewKey, 'escalation-policies'] as const,
    queryFn: ({ signal }) => api.get<PolicyList>('/api/alerts/escalation-policies', { signal }),
  });
}

export function useEscalationPolicies() {
  return useQuery(getEscalationPoliciesQueryOptions());
}
