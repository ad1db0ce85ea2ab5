// The alerts view's own filters, in the URL beside the shared range (period or from/to, lib/kpi-filters.ts):
//   ?state=open&severity=critical&rule=gas-spike
// Names and values are the alerts API's query parameters (GET /api/alerts/incidents), so they pass through.

export const STATES = ['open', 'firing', 'acknowledged', 'resolved', 'all'] as const;
export type IncidentState = (typeof STATES)[number];
export const DEFAULT_STATE: IncidentState = 'open';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type AlertFilters = { state: IncidentState; severity: Severity | undefined; rule: string | undefined };

export const ALERT_FILTER_KEYS = ['state', 'severity', 'rule'] as const;

const RULE = /^[A-Za-z0-9_.:-]{1,100}$/;

/** Reads the filters from a query string; values the API would refuse are dropped rather than sent. */
export function parseAlertFilters(params: URLSearchParams): AlertFilters {
  const state = STATES.find((s) => s === params.get('state')) ?? DEFAULT_STATE;
  const severity = SEVERITIES.find((s) => s === params.get('severity'));
  const rule = params.get('rule') ?? undefined;
  return { state, severity, rule: rule && RULE.test(rule) ? rule : undefined };
}

/** Writes changed filters into a copy of the query string; undefined removes a key, the default state is omitted. */
export function writeAlertFilters(current: URLSearchParams, patch: Partial<AlertFilters>): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const [key, value] of Object.entries(patch) as [keyof AlertFilters, string | undefined][]) {
    if (value === undefined || value === '' || (key === 'state' && value === DEFAULT_STATE)) next.delete(key);
    else next.set(key, value);
  }
  return next;
}
