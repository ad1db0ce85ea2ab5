import type { JobsBucket } from '@/types/api';
import { JOB_COUNTERS } from './buckets';

const HEADER = ['minute', ...JOB_COUNTERS] as const;

function escapeCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV (CRLF line ends, header row) of the buckets shown on the chart. */
export function bucketsToCsv(buckets: readonly JobsBucket[]): string {
  const rows = buckets.map((bucket) => [bucket.minute, ...JOB_COUNTERS.map((counter) => bucket[counter] ?? 0)]);
  return [HEADER, ...rows].map((row) => row.map(escapeCell).join(',')).join('\r\n') + '\r\n';
}

/** "ciro-jobs-30m-20261127T2249Z.csv": window and last minute, so exports sort and don't collide. */
export function csvFilename(minutes: number, buckets: readonly JobsBucket[]): string {
  const last = buckets.at(-1)?.minute ?? '';
  const stamp = last.replace(/[-:]/g, '').replace(/\.\d+/, '').replace(/00Z$/, 'Z');
  return `ciro-jobs-${minutes}m${stamp ? `-${stamp}` : ''}.csv`;
}
