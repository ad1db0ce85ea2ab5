import type { QueryClient } from '@tanstack/react-query';
import { applyJobsActivityPush } from '@/features/activity/utils/merge-push';
import { alertsViewKey } from '@/features/alerts/api/keys';
import { latestBlockQueryKey } from '@/features/blocks/api/get-latest-block';
import { incidentsQueryKey } from '@/features/incidents/api/get-open-incidents';
import type { LiveHubHandlers } from '@/features/live/live-hub-context';
import { kpiBaseKey } from '@/lib/kpi-api';

/** KPI tables are hourly or coarser: refreshing them on every 2-second block would only load the API. */
const KPI_REFRESH_MS = 10_000;

/** Hub message → query cache. Lives in app/ because it joins features that must not import each other. */
export function createLiveHandlers(queryClient: QueryClient): LiveHubHandlers {
  let kpisRefreshedAt = 0;
  const refreshKpis = () => {
    if (Date.now() - kpisRefreshedAt < KPI_REFRESH_MS) return;
    kpisRefreshedAt = Date.now();
    void queryClient.invalidateQueries({ queryKey: kpiBaseKey });
  };
  return {
    // Same shape as GET /api/activity/jobs: write it straight into every cached window.
    onJobsActivity: (activity) => applyJobsActivityPush(queryClient, activity),
    // The push names only the block range; the block's details come from the API. It is sent as the block is
    // stored, before the rollups include it: KPI views refresh on kpiInvalidated instead.
    onBlocksCommitted: () => void queryClient.invalidateQueries({ queryKey: latestBlockQueryKey }),
    // Sent once the rollups include the new blocks; the KPI views follow at most every KPI_REFRESH_MS.
    onKpiInvalidated: () => refreshKpis(),
    // Replaced blocks may have changed any figure on the page.
    onReorg: () => void queryClient.invalidateQueries(),
    onResync: () => void queryClient.invalidateQueries(),
    onIncidentChanged: () => {
      void queryClient.invalidateQueries({ queryKey: incidentsQueryKey });
      void queryClient.invalidateQueries({ queryKey: alertsViewKey });
    },
    onReconnected: () => void queryClient.invalidateQueries(),
  };
}
