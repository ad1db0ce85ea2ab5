import { FilterBar } from '@/components/filters/filter-bar';
import { DashboardLayout } from '@/components/layouts/dashboard-layout';
import { GAS_METRICS, GasView } from '@/features/gas/components/gas-view';
import { LiveStatusPill } from '@/features/live/components/live-status-pill';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { kpiQuery } from '@/lib/kpi-query';

export function GasRoute() {
  const [filters, setFilters] = useKpiFilters();
  return (
    <DashboardLayout status={<LiveStatusPill />}>
      <FilterBar
        key={JSON.stringify(filters)}
        filters={filters}
        onChange={setFilters}
        metrics={GAS_METRICS}
        fields={['contract', 'function']}
      />
      <GasView filters={filters} query={kpiQuery(filters, { metric: undefined })} onFilter={setFilters} />
    </DashboardLayout>
  );
}
