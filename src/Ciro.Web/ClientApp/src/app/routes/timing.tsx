import { useSearchParams } from 'react-router';
import { InclusionCard, JobStagesCard } from '@/features/timing/components/timing-view';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { kpiQuery } from '@/lib/kpi-query';
import { ViewShell } from '../view-shell';

export function TimingRoute() {
  const [filters, setFilters] = useKpiFilters();
  const [params, setParams] = useSearchParams();
  const stage = params.get('stage') ?? 'submitted_to_completed';
  // Stage durations and block intervals are chain-wide: the API has no contract or worker cut of them.
  const query = kpiQuery({ ...filters, contract: undefined, function: undefined, worker: undefined, metric: undefined });
  return (
    <ViewShell filters={filters} onFilter={setFilters}>
      <JobStagesCard
        query={query}
        stage={stage}
        onStage={(next) =>
          setParams((current) => {
            const copy = new URLSearchParams(current);
            copy.set('stage', next);
            return copy;
          })
        }
      />
      <InclusionCard query={query} />
    </ViewShell>
  );
}
