import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { JobRow, KpiQuery } from '@/types/kpi';

/** GET /api/kpi/workers?worker=…&bucket=raw: the worker's jobs with each lifecycle event's time and the payment. */
export function getWorkerJobsQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<JobRow>('/api/kpi/workers', { ...query, bucket: 'raw' });
}

export function useWorkerJobs(query: KpiQuery) {
  return useQuery(getWorkerJobsQueryOptions(query));
}
