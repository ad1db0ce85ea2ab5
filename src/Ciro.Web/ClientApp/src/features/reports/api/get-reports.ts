import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ReportSummary } from '@/types/optimisation';

/** How many archived reports the view lists (a year of weeks). */
export const REPORTS_LISTED = 52;

/** GET /api/reports: the archive, newest period first (no content). */
export function getReportsQueryOptions(limit = REPORTS_LISTED) {
  return queryOptions({
    queryKey: ['reports', 'list', limit] as const,
    queryFn: ({ signal }) => api.get<ReportSummary[]>('/api/reports', { params: { limit }, signal }),
  });
}

export function useReports(limit = REPORTS_LISTED) {
  return useQuery(getReportsQueryOptions(limit));
}
