import { ReportsCard } from '@/features/reports/components/reports-view';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { ViewShell } from '../view-shell';

/** The weekly report archive with its downloads. */
export function ReportsRoute() {
  const [filters, setFilters] = useKpiFilters();
  return (
    <ViewShell filters={filters} onFilter={setFilters}>
      <ReportsCard />
    </ViewShell>
  );
}
