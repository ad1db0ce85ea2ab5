import { CallersCard, CallsOverTimeCard, HeatmapCard } from '@/features/usage/components/usage-view';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { kpiQuery } from '@/lib/kpi-query';
import { ViewShell } from '../view-shell';

export function UsageRoute() {
  const [filters, setFilters] = useKpiFilters();
  const query = kpiQuery({ ...filters, worker: undefined, metric: undefined });
  return (
    <ViewShell filters={filters} onFilter={setFilters} fields={['contract', 'function']}>
      <CallsOverTimeCard query={query} />
      <div className="grid-2">
        <CallersCard query={query} />
        <HeatmapCard query={query} />
      </div>
    </ViewShell>
  );
}
