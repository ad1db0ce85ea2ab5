import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { KpiQuery, UsageRow } from '@/types/kpi';

/** GET /api/kpi/usage (no bucket): calls, transactions, unique / new / returning callers per function over the range. */
export function getContractUsageQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<UsageRow>('/api/kpi/usage', query);
}

export function useContractUsage(query: KpiQuery) {
  return useQuery(getContractUsageQueryOptions(query));
}
