import { FilterBar } from '@/components/filters/filter-bar';
import { DashboardLayout } from '@/components/layouts/dashboard-layout';
import { LiveStatusPill } from '@/features/live/components/live-status-pill';
import { CallersCard, CallsOverTimeCard, HeatmapCard } from '@/features/usage/components/usage-view';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { kpiQuery } from '@/lib/kpi-query';

export function UsageRoute() {
  const [filters, setFilters] = useKpiFilters();
  const query = kpiQuery({ ...filters, worker: undefined, metric: undefined });
  return (
    <DashboardLayout status={<LiveStatusPill />}>
      <FilterBar key={JSON.stringify(filters)} filters={filters} onChange={setFilters} fields={['contract', 'function']} />
      <CallsOverTimeCard query={query} />
      <div className="grid-2">
        <CallersCard query={query} />
        <HeatmapCard query={query} />
      </div>
    </DashboardLayout>
  );
}
