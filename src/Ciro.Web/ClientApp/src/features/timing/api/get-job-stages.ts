import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { JobStageRow, KpiQuery } from '@/types/kpi';

/** GET /api/kpi/timing/jobs: CIRO job lifecycle stage durations per bucket and stage. */
export function getJobStagesQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<JobStageRow>('/api/kpi/timing/jobs', query);
}

export function useJobStages(query: KpiQuery) {
  return useQuery(getJobStagesQueryOptions(query));
}
