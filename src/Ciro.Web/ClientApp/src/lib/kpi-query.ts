import type { KpiFilters } from './kpi-filters';
import { apiRange } from './kpi-filters';
import type { KpiQuery } from '@/types/kpi';

/** The API query of a view: the shared filters (range, contract, function, worker, metric) plus the view's own. */
export function kpiQuery(filters: KpiFilters, extra: KpiQuery = {}, now: number = Date.now()): KpiQuery {
  const range = apiRange(filters, now);
  const query: KpiQuery = { from: range.from };
  if (range.to) query.to = range.to;
  if (filters.contract) query.contract = filters.contract;
  if (filters.function) query.function = filters.function;
  if (filters.worker) query.worker = filters.worker;
  if (filters.metric) query.metric = filters.metric;
  return { ...query, ...extra };
}
