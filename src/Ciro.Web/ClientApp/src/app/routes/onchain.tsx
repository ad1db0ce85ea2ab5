import { useSearchParams } from 'react-router';
import type { OnchainRange } from '@/features/onchain/api/get-onchain';
import { OnchainCallsCard, OnchainJobsCard, OnchainWorkersCard } from '@/features/onchain/components/onchain-view';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { apiRange } from '@/lib/kpi-filters';
import { parseTargetError, type TargetError } from '@/features/onchain/utils/sampling';
import { ViewShell } from '../view-shell';

/** The performance monitor's own events (sampled on-chain) beside the same figures counted off-chain. */
export function OnchainRoute() {
  const [filters, setFilters] = useKpiFilters();
  const { from, to } = apiRange(filters);
  const range: OnchainRange = to ? { from, to } : { from };
  // The error target lives in the URL beside the shared filters, so a shared link shows the same suggestion.
  const [searchParams, setSearchParams] = useSearchParams();
  const target = parseTargetError(searchParams.get('target'));
  const setTarget = (t: TargetError) =>
    setSearchParams((params) => {
      params.set('target', String(t));
      return params;
    });
  return (
    <ViewShell filters={filters} onFilter={setFilters} fields={['function', 'worker']}>
      <OnchainCallsCard range={range} fn={filters.function} target={target} onTarget={setTarget} />
      <OnchainJobsCard range={range} />
      <OnchainWorkersCard range={range} worker={filters.worker} />
    </ViewShell>
  );
}
