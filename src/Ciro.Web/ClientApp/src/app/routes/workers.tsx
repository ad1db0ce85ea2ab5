import { useParams, useSearchParams } from 'react-router';
import { paths } from '@/config/paths';
import { WorkerDetail } from '@/features/workers/components/worker-detail';
import { WorkerLeaderboard } from '@/features/workers/components/worker-leaderboard';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { kpiQuery } from '@/lib/kpi-query';
import { ViewShell } from '../view-shell';

/** Worker figures are per worker over the range; contract and metric do not apply. */
function useWorkerQuery() {
  const [filters, setFilters] = useKpiFilters();
  const query = kpiQuery({ ...filters, contract: undefined, function: undefined, metric: undefined, worker: undefined });
  return { filters, setFilters, query };
}

/** Keeps the range and the compare toggle on the way to a worker's detail. */
function useRangeSuffix(): string {
  const [params] = useSearchParams();
  const kept = new URLSearchParams();
  for (const key of ['period', 'from', 'to', 'compare']) {
    const value = params.get(key);
    if (value) kept.set(key, value);
  }
  const text = kept.toString();
  return text ? `?${text}` : '';
}

export function WorkersRoute() {
  const { filters, setFilters, query } = useWorkerQuery();
  const suffix = useRangeSuffix();
  return (
    <ViewShell filters={filters} onFilter={setFilters}>
      <WorkerLeaderboard query={query} workerHref={(worker) => `${paths.worker.getHref(worker)}${suffix}`} />
    </ViewShell>
  );
}

export function WorkerRoute() {
  const { address = '' } = useParams();
  const { filters, setFilters, query } = useWorkerQuery();
  return (
    <ViewShell filters={filters} onFilter={setFilters}>
      <WorkerDetail worker={address.toLowerCase()} query={query} />
    </ViewShell>
  );
}
