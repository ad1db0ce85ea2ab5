// The filters every analytics view shares, as they live in the URL: a link reproduces the view exactly.
//   ?period=24h                       a preset ending at the newest indexed block (the API's default "to")
//   ?from=2026-11-30T10:00:00Z&to=…   an absolute range (wins over period)
//   &contract=0x…&function=name&worker=0x…&metric=l2_gas
//   &compare=previous                 time charts overlay the previous period of equal length (overview, timing, usage,
//                                     gas function detail, worker detail)
// Names and meanings are the analytics API's query parameters (KpiParameters), so they pass through unchanged.

export const PERIODS = [
  { value: '1h', label: '1 h', hours: 1 },
  { value: '6h', label: '6 h', hours: 6 },
  { value: '24h', label: '24 h', hours: 24 },
  { value: '7d', label: '7 d', hours: 24 * 7 },
  { value: '30d', label: '30 d', hours: 24 * 30 },
] as const;

export type Period = (typeof PERIODS)[number]['value'];
export const DEFAULT_PERIOD: Period = '24h';

export type KpiFilters = {
  period: Period;
  /** Absolute range (ISO-8601 UTC); both set or both undefined. */
  from: string | undefined;
  to: string | undefined;
  contract: string | undefined;
  function: string | undefined;
  worker: string | undefined;
  metric: string | undefined;
  /** Time charts overlay the previous period of the same length (not an API parameter: the charts fetch it). */
  compare?: boolean;
};

export const FILTER_KEYS = ['period', 'from', 'to', 'contract', 'function', 'worker', 'metric', 'compare'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

const ADDRESS = /^0x[0-9a-f]{1,64}$/i;
const FUNCTION = /^([A-Za-z_][A-Za-z0-9_]{0,99}|0x[0-9a-fA-F]{1,64})$/;

function isoOrUndefined(raw: string | null): string | undefined {
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Reads the filters from a query string. Values the API would refuse are dropped rather than sent. */
export function parseKpiFilters(params: URLSearchParams): KpiFilters {
  const period = PERIODS.find((p) => p.value === params.get('period'))?.value ?? DEFAULT_PERIOD;
  let from = isoOrUndefined(params.get('from'));
  let to = isoOrUndefined(params.get('to'));
  if (!from || !to || Date.parse(from) >= Date.parse(to)) {
    from = undefined;
    to = undefined;
  }
  const contract = params.get('contract') ?? undefined;
  const fn = params.get('function') ?? undefined;
  const worker = params.get('worker') ?? undefined;
  const metric = params.get('metric') ?? undefined;
  return {
    period,
    from,
    to,
    contract: contract && ADDRESS.test(contract) ? contract.toLowerCase() : undefined,
    function: fn && FUNCTION.test(fn) ? fn : undefined,
    worker: worker && ADDRESS.test(worker) ? worker.toLowerCase() : undefined,
    metric: metric && /^[a-z0-9_]{1,40}$/.test(metric) ? metric : undefined,
    compare: params.get('compare') === 'previous',
  };
}

/** Writes changed filters into a copy of the query string; undefined removes a key, the default period is omitted. */
export function writeKpiFilters(current: URLSearchParams, patch: Partial<KpiFilters>): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const [key, value] of Object.entries(patch) as [FilterKey, string | boolean | undefined][]) {
    if (key === 'compare') {
      if (value) next.set('compare', 'previous');
      else next.delete('compare');
    } else if (value === undefined || value === '' || (key === 'period' && value === DEFAULT_PERIOD)) next.delete(key);
    else next.set(key, String(value));
  }
  // Choosing a preset drops the absolute range, and an absolute range makes the preset irrelevant.
  if (patch.period !== undefined && patch.from === undefined) {
    next.delete('from');
    next.delete('to');
  }
  if (patch.from !== undefined) next.delete('period');
  return next;
}

/** Floor to the minute: a preset's start stays the same for a minute, so its queries share a cache entry. */
function minuteFloor(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

export type ApiRange = { from: string; to: string | undefined };

/** The range sent to the API: absolute as given, or a preset's start with "to" left to the server (newest block). */
export function apiRange(filters: KpiFilters, now: number = Date.now()): ApiRange {
  if (filters.from && filters.to) return { from: filters.from, to: filters.to };
  const hours = PERIODS.find((p) => p.value === filters.period)?.hours ?? 24;
  return { from: new Date(minuteFloor(now) - hours * 3_600_000).toISOString(), to: undefined };
}

/** Human label of the range for card subtitles and export names. */
export function describeRange(filters: KpiFilters): string {
  if (filters.from && filters.to) return `${filters.from.slice(0, 16).replace('T', ' ')} → ${filters.to.slice(0, 16).replace('T', ' ')} UTC`;
  return `last ${PERIODS.find((p) => p.value === filters.period)?.label ?? filters.period}`;
}

/**
 * The previous period of equal length, for the compare toggle: [from − length, from). A preset's range ends at the
 * newest block, which the client does not know, so its length is the preset's (from to the minute of `now`).
 * `shiftMs` moves a previous bucket onto the current range's x axis.
 */
export function previousRange(range: ApiRange, now: number = Date.now()): { from: string; to: string; shiftMs: number } {
  const from = Date.parse(range.from);
  const to = range.to ? Date.parse(range.to) : minuteFloor(now);
  const shiftMs = Math.max(0, to - from);
  return { from: new Date(from - shiftMs).toISOString(), to: new Date(from).toISOString(), shiftMs };
}
