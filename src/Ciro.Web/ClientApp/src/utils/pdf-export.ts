import { paths } from '@/config/paths';
import type { KpiFilters } from '@/lib/kpi-filters';

/** The views POST /api/export/pdf can print, by the name the server's allow-list uses (Exports/PdfExportApi.cs). */
export const PRINTABLE_VIEWS = [
  { name: 'overview', title: 'Network health', path: paths.dashboard.path },
  { name: 'gas', title: 'Gas', path: paths.gas.path },
  { name: 'timing', title: 'Timing', path: paths.timing.path },
  { name: 'workers', title: 'Workers', path: paths.workers.path },
  { name: 'usage', title: 'Usage', path: paths.usage.path },
  { name: 'anomalies', title: 'Anomalies', path: paths.anomalies.path },
  { name: 'onchain', title: 'On-chain', path: paths.onchain.path },
  { name: 'alerts', title: 'Alerts', path: paths.alerts.path },
] as const;

export type PrintableView = (typeof PRINTABLE_VIEWS)[number]['name'];

/** The printable view a path shows, if any. */
export function printableViewAt(pathname: string): PrintableView | undefined {
  return PRINTABLE_VIEWS.find((v) => v.path === pathname)?.name;
}

export type PdfExportRequest = {
  views: PrintableView[];
  period?: string;
  from?: string;
  to?: string;
  contract?: string;
  function?: string;
  worker?: string;
  metric?: string;
};

/** The request body for the views and the shared filters as they are in the URL. */
export function pdfExportRequest(views: PrintableView[], filters: KpiFilters): PdfExportRequest {
  const request: PdfExportRequest = { views };
  if (filters.from && filters.to) {
    request.from = filters.from;
    request.to = filters.to;
  } else {
    request.period = filters.period;
  }
  if (filters.contract) request.contract = filters.contract;
  if (filters.function) request.function = filters.function;
  if (filters.worker) request.worker = filters.worker;
  if (filters.metric) request.metric = filters.metric;
  return request;
}

/** e.g. ciro-gas-timing-2026-11-01_2026-11-08.pdf */
export function pdfFileName(views: readonly string[], filters: KpiFilters): string {
  const range = filters.from && filters.to ? `${filters.from.slice(0, 10)}_${filters.to.slice(0, 10)}` : filters.period;
  return `ciro-${views.join('-')}-${range}.pdf`;
}
