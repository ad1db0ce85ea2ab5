import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '@/lib/api-client';
import type { LatestBlock } from '@/types/api';

export const latestBlockQueryKey = ['blocks', 'latest'] as const;

/** Resolves to null before the indexer has committed any block (the API answers 404 then). */
export async function getLatestBlock(signal?: AbortSignal): Promise<LatestBlock | null> {
  try {
    return await api.get<LatestBlock | null>('/api/blocks/latest', { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function getLatestBlockQueryOptions() {
  return queryOptions({
    queryKey: latestBlockQueryKey,
    queryFn: ({ signal }) => getLatestBlock(signal),
  });
}

export function useLatestBlock({ refetchInterval = false }: { refetchInterval?: number | false } = {}) {
  return useQuery({ ...getLatestBlockQueryOptions(), refetchInterval });
}
