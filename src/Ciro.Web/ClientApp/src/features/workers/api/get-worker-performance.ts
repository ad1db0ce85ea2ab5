import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { KpiQuery, WorkerRow } from '@/types/kpi';

/** GET /api/kpi/workers?worker=…: one worker per bucket (assigned, completed, failed, success rate, completion times, paid). */
export function getWorkerPerformanceQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<WorkerRow>('/api/kpi/workers', query);
}

export function useWorkerPerformance(query: KpiQuery) {
  return useQuery(getWorkerPerformanceQueryOptions(query));
}
