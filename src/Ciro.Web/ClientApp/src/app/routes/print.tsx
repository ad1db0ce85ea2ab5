import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { paths } from '@/config/paths';
import { IncidentsCard, IncidentStatsCard } from '@/features/alerts/components/alerts-view';
import { ANOMALY_METRICS, AnomaliesView } from '@/features/anomalies/components/anomalies-view';
import { RequireSession } from '@/features/auth/components/require-session';
import { GasView } from '@/features/gas/components/gas-view';
import { NetworkHealth } from '@/features/network/components/network-health';
import { OnchainCallsCard, OnchainJobsCard, OnchainWorkersCard } from '@/features/onchain/components/onchain-view';
import { parseTargetError } from '@/features/onchain/utils/sampling';
import { InclusionCard, JobStagesCard } from '@/features/timing/components/timing-view';
import { CallersCard, CallsOverTimeCard, HeatmapCard } from '@/features/usage/components/usage-view';
import { WorkerLeaderboard } from '@/features/workers/components/worker-leaderboard';
import { apiRange, describeRange, parseKpiFilters, type KpiFilters } from '@/lib/kpi-filters';
import { kpiQuery } from '@/lib/kpi-query';
import { useCurrentUser } from '@/lib/session';
import { PRINTABLE_VIEWS, type PrintableView } from '@/utils/pdf-export';
import './print.css';

const ignore = () => {};

/** Each view's cards as its route shows them (the same feature components and query cuts), without the controls. */
function ViewBody({ view, filters }: { view: PrintableView; filters: KpiFilters }): ReactNode {
  const { from, to } = apiRange(filters);
  switch (view) {
    case 'overview':
      return <NetworkHealth query={kpiQuery(filters)} refetchInterval={false} />;
    case 'gas':
      return <GasView filters={filters} query={kpiQuery(filters, { metric: undefined })} onFilter={ignore} />;
    case 'timing': {
      const query = kpiQuery({ ...filters, contract: undefined, function: undefined, worker: undefined, metric: undefined });
      return (
        <>
          <JobStagesCard query={query} stage="submitted_to_completed" onStage={ignore} />
          <InclusionCard query={query} />
        </>
      );
    }
    case 'workers':
      return (
        <WorkerLeaderboard
          query={kpiQuery({ ...filters, contract: undefined, function: undefined, metric: undefined, worker: undefined })}
          workerHref={(worker) => paths.worker.getHref(worker)}
        />
      );
    case 'usage': {
      const query = kpiQuery({ ...filters, worker: undefined, metric: undefined });
      return (
        <>
          <CallsOverTimeCard query={query} />
          <CallersCard query={query} />
          <HeatmapCard query={query} />
        </>
      );
    }
    case 'anomalies': {
      const metric = ANOMALY_METRICS.some((m) => m.value === filters.metric) ? filters.metric! : 'tx_count';
      return <AnomaliesView query={kpiQuery({ ...filters, worker: undefined, metric: undefined })} metric={metric} />;
    }
    case 'onchain': {
      const range = to ? { from, to } : { from };
      return (
        <>
          <OnchainCallsCard range={range} fn={filters.function} target={parseTargetError(null)} onTarget={ignore} />
          <OnchainJobsCard range={range} />
          <OnchainWorkersCard range={range} worker={filters.worker} />
        </>
      );
    }
    case 'alerts':
      return (
        <>
          <IncidentStatsCard range={{ from, to }} />
          <IncidentsCard query={{ state: 'all', from, to, limit: 200 }} incidentHref={(id) => paths.incident.getHref(id)} />
        </>
      );
  }
}

/**
 * Settled once no query has been fetching for a moment (a card may start a second query from its first one's
 * answer). Every query of the page ends in data or an error card, so the page is always printed.
 */
function useSettled(): boolean {
  const queryClient = useQueryClient();
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      clearTimeout(timer);
      if (queryClient.isFetching() > 0) setSettled(false);
      else timer = setTimeout(() => setSettled(queryClient.isFetching() === 0), 750);
    };
    const unsubscribe = queryClient.getQueryCache().subscribe(check);
    timer = setTimeout(check, 0);
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [queryClient]);
  return settled;
}

function PrintReport() {
  const [params] = useSearchParams();
  const key = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the string is the identity of the params
  const filters = useMemo(() => parseKpiFilters(params), [key]);
  const views = (params.get('views') ?? '').split(',').flatMap((name) => PRINTABLE_VIEWS.filter((v) => v.name === name));
  const user = useCurrentUser();
  const [printedAt] = useState(() => new Date().toISOString().slice(0, 19).replace('T', ' '));
  const settled = useSettled();
  const shownFilters = [
    ['Contract', filters.contract],
    ['Function', filters.function],
    ['Worker', filters.worker],
    ['Metric', filters.metric],
  ].filter(([, value]) => value);
  return (
    <div className="print" data-print-ready={settled ? 'true' : 'false'}>
      <section className="print__cover" data-testid="print-cover">
        <p className="print__brand">Ciro — CIRO Network</p>
        <h1>Performance report</h1>
        <dl className="print__facts">
          <dt>Range</dt>
          <dd data-testid="print-range">{describeRange(filters)}</dd>
          {shownFilters.map(([label, value]) => (
            <div key={label} className="print__fact">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
          <dt>Views</dt>
          <dd>{views.map((v) => v.title).join(', ')}</dd>
          <dt>Printed</dt>
          <dd>
            {printedAt} UTC for {user?.userName ?? '—'} ({user?.role ?? '—'})
          </dd>
        </dl>
      </section>
      {views.map((view) => (
        <section key={view.name} className="print__section" data-testid={`print-${view.name}`}>
          <h2>{view.title}</h2>
          <p className="print__range">{describeRange(filters)}</p>
          <ViewBody view={view.name} filters={filters} />
        </section>
      ))}
    </div>
  );
}

/**
 * /print?views=gas,timing&from=…&to=…: what the server's Chromium prints for POST /api/export/pdf (a cover, then one
 * section per view). No navigation, filters or live hub; data-print-ready="true" tells the renderer to print.
 */
export function PrintRoute() {
  // Printed on white whatever the theme a person chose on screen.
  useEffect(() => {
    const root = document.documentElement;
    const previous = root.dataset.theme;
    root.dataset.theme = 'light';
    return () => {
      if (previous) root.dataset.theme = previous;
      else delete root.dataset.theme;
    };
  }, []);
  return (
    <RequireSession>
      <PrintReport />
    </RequireSession>
  );
}
