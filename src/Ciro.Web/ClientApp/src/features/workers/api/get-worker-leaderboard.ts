import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { KpiQuery, LeaderboardRow } from '@/types/kpi';

/** GET /api/kpi/workers/leaderboard: workers ranked by success rate then completed jobs, with stake. */
export function getWorkerLeaderboardQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<LeaderboardRow>('/api/kpi/workers/leaderboard', query);
}

export function useWorkerLeaderboard(query: KpiQuery) {
  return useQuery(getWorkerLeaderboardQueryOptions(query));
}
