import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { PipelineStatus } from '@/types/api';

export const pipelineStatusQueryKey = ['pipeline', 'status'] as const;

// The hub carries no indexer state (a halted indexer commits nothing to push), so it is polled.
const PIPELINE_POLL_MS = 5_000;

export function getPipelineStatus(signal?: AbortSignal): Promise<PipelineStatus> {
  return api.get<PipelineStatus>('/api/pipeline/status', { signal });
}

export function getPipelineStatusQueryOptions() {
  return queryOptions({
    queryKey: pipelineStatusQueryKey,
    queryFn: ({ signal }) => getPipelineStatus(signal),
    refetchInterval: PIPELINE_POLL_MS,
  });
}

export function usePipelineStatus() {
  return useQuery(getPipelineStatusQueryOptions());
}
