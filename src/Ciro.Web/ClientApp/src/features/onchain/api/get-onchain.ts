import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { kpiBaseKey } from '@/lib/kpi-api';
import type { CallsReport, JobTimingReport, WorkersReport } from '@/types/kpi';

/** The on-chain endpoints take a range only (at most 31 days; whole hours come from the hourly rollup, the edges raw). */
export type OnchainRange = { from: string; to?: string };

// Under the KPI prefix: a committed block refreshes them like every other KPI.
function onchainQueryOptions<T>(path: string, range: OnchainRange & Record<string, string | undefined>) {
  return queryOptions({
    queryKey: [...kpiBaseKey, path, range] as const,
    queryFn: ({ signal }) => api.get<T>(path, { params: range, signal }),
    placeholderData: keepPreviousData,
  });
}

/**
 * GET /api/kpi/onchain/calls: calls per instrumented function, sampled estimate with its 95% interval vs every transaction,
 * and per row the sparsest rate whose interval stays within ±targetError of the count.
 */
export function useOnchainCalls(range: OnchainRange, targetError: number) {
  return useQuery(onchainQueryOptions<CallsReport>('/api/kpi/onchain/calls', { ...range, targetError: String(targetError) }));
}

/** GET /api/kpi/onchain/workers: per worker, assigned/completed/failed estimated from JobSampled vs counted. */
export function useOnchainWorkers(range: OnchainRange) {
  return useQuery(onchainQueryOptions<WorkersReport>('/api/kpi/onchain/workers', range));
}

/** GET /api/kpi/onchain/jobs: assignment-to-completion mean from the sampled durations vs every job. */
export function useOnchainJobs(range: OnchainRange) {
  return useQuery(onchainQueryOptions<JobTimingReport>('/api/kpi/onchain/jobs', range));
}
