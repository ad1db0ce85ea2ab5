import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { RecommendationList } from '@/types/optimisation';
import { recommendationsViewKey } from './keys';

export type RecommendationsQuery = { status?: string; contract?: string };

/** GET /api/recommendations: largest weekly fee saving first, filtered by lifecycle state and target address. */
export function getRecommendationsQueryOptions(query: RecommendationsQuery) {
  return queryOptions({
    queryKey: [...recommendationsViewKey, 'list', query] as const,
    queryFn: ({ signal }) => api.get<RecommendationList>('/api/recommendations', { params: query, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useRecommendations(query: RecommendationsQuery) {
  return useQuery(getRecommendationsQueryOptions(query));
}
