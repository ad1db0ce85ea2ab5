import type { OnchainRange } from '@/features/onchain/api/get-onchain';
import { OnchainCallsCard, OnchainJobsCard, OnchainWorkersCard } from '@/features/onchain/components/onchain-view';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { apiRange } from '@/lib/kpi-filters';
import { ViewShell } from '../view-shell';

/** The performance monitor's own events (sampled on-chain) beside the same figures counted off-chain. */
export function OnchainRoute() {
  const [filters, setFilters] = useKpiFilters();
  const { from, to } = apiRange(filters);
  const range: OnchainRange = to ? { from, to } : { from };
  return (
    <ViewShell filters={filters} onFilter={setFilters} fields={['function', 'worker']}>
      <OnchainCallsCard range={range} fn={filters.function} />
      <OnchainJobsCard range={range} />
      <OnchainWorkersCard range={range} worker={filters.worker} />
    </ViewShell>
  );
}
