import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { kpiBaseKey } from '@/lib/kpi-api';
import type { ClassChange, ClassChangesReport } from '@/types/kpi';

const none: readonly ClassChange[] = [];

/**
 * GET /api/kpi/class-changes: deploys and upgrades in the range (of one contract when the view filters by one), for
 * the time charts' annotations. Under the KPI prefix, so a committed block refreshes it; while loading or on an error
 * the charts simply carry no marks.
 */
export function useClassChanges(range: { from: string; to?: string }, contract: string | undefined): readonly ClassChange[] {
  const params = { ...range, ...(contract ? { contract } : {}) };
  const query = useQuery({
    queryKey: [...kpiBaseKey, '/api/kpi/class-changes', params] as const,
    queryFn: ({ signal }) => api.get<ClassChangesReport>('/api/kpi/class-changes', { params, signal }),
    placeholderData: keepPreviousData,
  });
  return query.data?.changes ?? none;
}
