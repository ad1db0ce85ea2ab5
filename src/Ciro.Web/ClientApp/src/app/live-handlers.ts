import type { QueryClient } from '@tanstack/react-query';
import { applyJobsActivityPush } from '@/features/activity/utils/merge-push';
import { latestBlockQueryKey } from '@/features/blocks/api/get-latest-block';
import { incidentsQueryKey } from '@/features/incidents/api/get-open-incidents';
import type { LiveHubHandlers } from '@/features/live/live-hub-context';

/** Hub message → query cache. Lives in app/ because it joins features that must not import each other. */
export function createLiveHandlers(queryClient: QueryClient): LiveHubHandlers {
  return {
    // Same shape as GET /api/activity/jobs: write it straight into every cached window.
    onJobsActivity: (activity) => applyJobsActivityPush(queryClient, activity),
    // The push names only the block range; the block's details come from the API.
    onBlocksCommitted: () => void queryClient.invalidateQueries({ queryKey: latestBlockQueryKey }),
    // Replaced blocks may have changed any figure on the page.
    onReorg: () => void queryClient.invalidateQueries(),
    onResync: () => void queryClient.invalidateQueries(),
    onIncidentChanged: () => void queryClient.invalidateQueries({ queryKey: incidentsQueryKey }),
    onReconnected: () => void queryClient.invalidateQueries(),
  };
}
