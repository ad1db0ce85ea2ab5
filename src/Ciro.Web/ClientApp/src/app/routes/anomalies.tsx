import { ANOMALY_METRICS, AnomaliesView } from '@/features/anomalies/components/anomalies-view';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { kpiQuery } from '@/lib/kpi-query';
import { ViewShell } from '../view-shell';

export function AnomaliesRoute() {
  const [filters, setFilters] = useKpiFilters();
  const metric = ANOMALY_METRICS.some((m) => m.value === filters.metric) ? filters.metric! : 'tx_count';
  return (
    <ViewShell filters={filters} onFilter={setFilters} metrics={ANOMALY_METRICS} fields={['contract', 'function']}>
      <AnomaliesView query={kpiQuery({ ...filters, worker: undefined, metric: undefined })} metric={metric} />
    </ViewShell>
  );
}
