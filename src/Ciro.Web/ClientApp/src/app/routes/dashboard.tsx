import { FilterBar } from '@/components/filters/filter-bar';
import { ChartAnnotationsContext } from '@/components/ui/chart-annotations';
import { StatusSummary, type StatusItem } from '@/components/ui/status-summary';
import { JobsActivityCard } from '@/features/activity/components/jobs-activity-card';
import { JobsKpis } from '@/features/activity/components/jobs-kpis';
import { useTimeRange } from '@/features/activity/hooks/use-time-range';
import { useClassChanges } from '@/features/annotations/api/get-class-changes';
import { BlockAgeKpi } from '@/features/blocks/components/block-age-kpi';
import { LatestBlockDetails } from '@/features/blocks/components/latest-block-details';
import { LatestBlockKpi } from '@/features/blocks/components/latest-block-kpi';
import { useOpenIncidents } from '@/features/incidents/api/get-open-incidents';
import { IncidentsList } from '@/features/incidents/components/incidents-list';
import { NetworkHealth } from '@/features/network/components/network-health';
import { usePipelineStatus } from '@/features/pipeline/api/get-pipeline-status';
import { useLiveHub } from '@/features/live/live-hub-context';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { apiRange } from '@/lib/kpi-filters';
import { kpiQuery } from '@/lib/kpi-query';
import { FALLBACK_POLL_MS } from '@/lib/react-query';
import { ViewFrame } from '../view-shell';

/** Past this the newest block is stale (the same threshold as the block-age tile). */
const STALE_BLOCK_SECONDS = 60;

function useStatusItems(): StatusItem[] {
  const pipeline = usePipelineStatus();
  const incidents = useOpenIncidents();
  const { status } = useLiveHub();
  const p = pipeline.data;
  const age = p?.newestBlockAgeSeconds;
  const critical = incidents.data?.filter((i) => i.severity === 'critical').length ?? 0;
  return [
    {
      label: 'Indexer',
      value: p ? p.indexerState : pipeline.isError ? 'unreachable' : '…',
      tone: !p ? (pipeline.isError ? 'critical' : 'unknown') : p.indexerState === 'halted' ? 'critical' : p.indexerState === 'indexing' ? 'ok' : 'warning',
      testId: 'status-indexer',
    },
    {
      label: 'Indexer lag (newest block age)',
      value: age === null || age === undefined ? '—' : `${Math.round(age)} s`,
      tone: age === null || age === undefined ? 'unknown' : age > STALE_BLOCK_SECONDS ? 'warning' : 'ok',
      testId: 'status-lag',
    },
    {
      label: 'Open incidents',
      value: incidents.data ? `${incidents.data.length} (${critical} critical)` : incidents.isError ? 'alerts unreachable' : '…',
      tone: !incidents.data ? (incidents.isError ? 'warning' : 'unknown') : critical > 0 ? 'critical' : incidents.data.length > 0 ? 'warning' : 'ok',
      testId: 'status-incidents',
    },
    { label: 'Live updates', value: status, tone: status === 'live' ? 'ok' : 'warning', testId: 'status-live' },
  ];
}

export function DashboardRoute() {
  const { status } = useLiveHub();
  const [range, setRange] = useTimeRange();
  const [filters, setFilters] = useKpiFilters();
  const statusItems = useStatusItems();
  // The network chart marks the range's deploys and upgrades like every view's charts (ViewShell does it there).
  const classChanges = useClassChanges(apiRange(filters), filters.contract);
  // Pushes keep the cache current while live; otherwise poll so the page never silently freezes.
  const refetchInterval = status === 'live' ? false : FALLBACK_POLL_MS;

  return (
    <ViewFrame>
      <StatusSummary items={statusItems} />
      <div className="kpis">
        <LatestBlockKpi refetchInterval={refetchInterval} />
        <BlockAgeKpi refetchInterval={refetchInterval} />
        <JobsKpis refetchInterval={refetchInterval} />
      </div>
      <FilterBar key={filters.from ?? filters.period} filters={filters} onChange={setFilters} fields={[]} />
      <ChartAnnotationsContext.Provider value={classChanges}>
        <NetworkHealth query={kpiQuery(filters)} refetchInterval={refetchInterval} />
      </ChartAnnotationsContext.Provider>
      <JobsActivityCard range={range} onRangeChange={setRange} refetchInterval={refetchInterval} />
      <div className="columns">
        <IncidentsList />
        <LatestBlockDetails refetchInterval={refetchInterval} />
      </div>
    </ViewFrame>
  );
}
