import { buildUrl } from '@/lib/api-client';

export const REPORT_FORMATS = ['pdf', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** GET /api/reports/{id}/{format}: an attachment, fetched by the browser itself (a link; the session cookie goes with it). */
export const reportDownloadUrl = (id: string, format: ReportFormat): string =>
  buildUrl(`/api/reports/${encodeURIComponent(id)}/${format}`);
