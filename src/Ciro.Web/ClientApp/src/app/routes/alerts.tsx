import { useCallback, useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { paths } from '@/config/paths';
import { AlertFilterBar, IncidentsCard, IncidentStatsCard } from '@/features/alerts/components/alerts-view';
import { EscalationPoliciesCard } from '@/features/alerts/components/escalation-policies-card';
import { IncidentDetail } from '@/features/alerts/components/incident-detail';
import { RulesCard } from '@/features/alerts/components/rules-card';
import { SilencesCard } from '@/features/alerts/components/silences-card';
import { parseAlertFilters, writeAlertFilters, type AlertFilters } from '@/features/alerts/utils/alert-filters';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { apiRange } from '@/lib/kpi-filters';
import { ViewFrame, ViewShell } from '../view-shell';

const INCIDENTS_SHOWN = 200;

function useAlertFilters(): [AlertFilters, (patch: Partial<AlertFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the string is the identity of the params
  const filters = useMemo(() => parseAlertFilters(params), [key]);
  const setFilters = useCallback((patch: Partial<AlertFilters>) => setParams((current) => writeAlertFilters(current, patch)), [setParams]);
  return [filters, setFilters];
}

/** Incidents filtered by state, severity, rule and start time (all in the URL), MTTA/MTTR, and the silences. */
export function AlertsRoute() {
  const [range, setRange] = useKpiFilters();
  const [filters, setFilters] = useAlertFilters();
  const [params] = useSearchParams();
  const { from, to } = apiRange(range);
  const suffix = params.toString() ? `?${params.toString()}` : '';
  return (
    <ViewShell filters={range} onFilter={setRange}>
      <AlertFilterBar key={filters.rule ?? ''} filters={filters} onChange={setFilters} />
      <IncidentStatsCard range={{ from, to }} />
      <IncidentsCard
        query={{ state: filters.state, severity: filters.severity, rule: filters.rule, from, to, limit: INCIDENTS_SHOWN }}
        incidentHref={(id) => `${paths.incident.getHref(id)}${suffix}`}
      />
      <SilencesCard />
    </ViewShell>
  );
}

/** One incident with its timeline; the way back keeps the list's filters. */
export function IncidentRoute() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const suffix = params.toString() ? `?${params.toString()}` : '';
  return (
    <ViewFrame>
      <p>
        <Link to={`${paths.alerts.getHref()}${suffix}`} data-testid="back-to-incidents">
          ← all incidents
        </Link>
      </p>
      <IncidentDetail id={id} />
    </ViewFrame>
  );
}

/** The rules that run and the escalation policies that page: what opens an incident and who hears of it. */
export function AlertRulesRoute() {
  return (
    <ViewFrame>
      <RulesCard />
      <EscalationPoliciesCard />
    </ViewFrame>
  );
}
