import { FilterBar } from '@/components/filters/filter-bar';
import { DashboardLayout } from '@/components/layouts/dashboard-layout';
import { ANOMALY_METRICS, AnomaliesView } from '@/features/anomalies/components/anomalies-view';
import { LiveStatusPill } from '@/features/live/components/live-status-pill';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { kpiQuery } from '@/lib/kpi-query';

export function AnomaliesRoute() {
  const [filters, setFilters] = useKpiFilters();
  const metric = ANOMALY_METRICS.some((m) => m.value === filters.metric) ? filters.metric! : 'tx_count';
  return (
    <DashboardLayout status={<LiveStatusPill />}>
      <FilterBar key={JSON.stringify(filters)} filters={filters} onChange={setFilters} metrics={ANOMALY_METRICS} fields={['contract', 'function']} />
      <AnomaliesView query={kpiQuery({ ...filters, worker: undefined, metric: undefined })} metric={metric} />
    </DashboardLayout>
  );
}
