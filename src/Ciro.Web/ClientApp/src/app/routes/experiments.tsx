import { useParams } from 'react-router';
import { ExperimentDetail } from '@/features/experiments/components/experiment-detail';
import { AbExperimentsCard, UpgradesCard } from '@/features/experiments/components/experiments-view';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { ViewShell } from '../view-shell';

/** Experiments on contract changes: operator-created A/B experiments and the automatic before/after of upgrades. */
export function ExperimentsRoute() {
  const [filters, setFilters] = useKpiFilters();
  return (
    <ViewShell filters={filters} onFilter={setFilters}>
      <AbExperimentsCard />
      <UpgradesCard />
    </ViewShell>
  );
}

/** One A/B experiment's result page. */
export function ExperimentRoute() {
  const [filters, setFilters] = useKpiFilters();
  const { id = '' } = useParams();
  return (
    <ViewShell filters={filters} onFilter={setFilters}>
      <ExperimentDetail id={id} />
    </ViewShell>
  );
}
