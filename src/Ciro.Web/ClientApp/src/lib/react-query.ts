import { QueryClient, type DefaultOptions } from '@tanstack/react-query';
import { ApiError } from './api-client';

export const queryConfig = {
  queries: {
    // Live pushes keep the cache fresh; a short staleTime avoids refetch storms on focus changes.
    staleTime: 10_000,
    refetchOnWindowFocus: true,
    // A 4xx (e.g. 404 before the first block) will not fix itself by retrying immediately.
    retry: (failureCount, error) =>
      !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 2,
  },
} satisfies DefaultOptions;

export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: queryConfig });
}

/** While the hub is down, poll instead, so the dashboard never silently freezes. */
export const FALLBACK_POLL_MS = 15_000;
