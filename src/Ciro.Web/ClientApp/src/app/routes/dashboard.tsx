import { DashboardLayout } from '@/components/layouts/dashboard-layout';
import { JobsActivityCard } from '@/features/activity/components/jobs-activity-card';
import { JobsKpis } from '@/features/activity/components/jobs-kpis';
import { useTimeRange } from '@/features/activity/hooks/use-time-range';
import { BlockAgeKpi } from '@/features/blocks/components/block-age-kpi';
import { LatestBlockDetails } from '@/features/blocks/components/latest-block-details';
import { LatestBlockKpi } from '@/features/blocks/components/latest-block-kpi';
import { IncidentsList } from '@/features/incidents/components/incidents-list';
import { PipelineBanner } from '@/features/pipeline/components/pipeline-banner';
import { LiveStatusPill } from '@/features/live/components/live-status-pill';
import { ReorgBanner } from '@/features/live/components/reorg-banner';
import { useLiveHub } from '@/features/live/live-hub-context';
import { FALLBACK_POLL_MS } from '@/lib/react-query';

export function DashboardRoute() {
  const { status } = useLiveHub();
  const [range, setRange] = useTimeRange();
  // Pushes keep the cache current while live; otherwise poll so the page never silently freezes.
  const refetchInterval = status === 'live' ? false : FALLBACK_POLL_MS;

  return (
    <DashboardLayout
      status={<LiveStatusPill />}
      banner={
        <>
          <PipelineBanner />
          <ReorgBanner />
        </>
      }
    >
      <div className="kpis">
        <LatestBlockKpi refetchInterval={refetchInterval} />
        <BlockAgeKpi refetchInterval={refetchInterval} />
        <JobsKpis refetchInterval={refetchInterval} />
      </div>
      <JobsActivityCard range={range} onRangeChange={setRange} refetchInterval={refetchInterval} />
      <div className="columns">
        <IncidentsList />
        <LatestBlockDetails refetchInterval={refetchInterval} />
      </div>
    </DashboardLayout>
  );
}
