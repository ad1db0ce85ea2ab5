import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import { RecommendationsCard, RecommendationStateFilter } from '@/features/recommendations/components/recommendations-view';
import {
  parseRecommendationState,
  statusParam,
  writeRecommendationState,
  type RecommendationState,
} from '@/features/recommendations/utils/recommendation-filters';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { ViewShell } from '../view-shell';

/** Gas recommendations by state and target address (the shared contract filter), with accept / dismiss for operators. */
export function RecommendationsRoute() {
  const [filters, setFilters] = useKpiFilters();
  const [params, setParams] = useSearchParams();
  const state = parseRecommendationState(params);
  const setState = useCallback((next: RecommendationState) => setParams((current) => writeRecommendationState(current, next)), [setParams]);
  return (
    <ViewShell filters={filters} onFilter={setFilters} fields={['contract']}>
      <RecommendationStateFilter state={state} onChange={setState} />
      <RecommendationsCard query={{ status: statusParam(state), contract: filters.contract }} />
    </ViewShell>
  );
}
