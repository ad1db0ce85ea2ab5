import { GAS_METRICS, GasView } from '@/features/gas/components/gas-view';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { kpiQuery } from '@/lib/kpi-query';
import { ViewShell } from '../view-shell';

export function GasRoute() {
  const [filters, setFilters] = useKpiFilters();
  return (
    <ViewShell filters={filters} onFilter={setFilters} metrics={GAS_METRICS} fields={['contract', 'function']}>
      <GasView filters={filters} query={kpiQuery(filters, { metric: undefined })} onFilter={setFilters} />
    </ViewShell>
  );
}
