import { QueryCard } from '@/components/ui/query-card';
import { TableHead } from '@/components/ui/table-head';
import type { ReportSummary } from '@/types/optimisation';
import { formatUtcDateTime } from '@/utils/format';
import { REPORT_FORMATS, reportDownloadUrl } from '../api/download-report';
import { REPORTS_LISTED, useReports } from '../api/get-reports';

const kib = (bytes: number) => `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB`;

function emailText(r: ReportSummary): string {
  if (r.emailError) return `failed: ${r.emailError}`;
  if (r.emailedAt) return `${formatUtcDateTime(r.emailedAt)} to ${r.emailedTo.join(', ') || '—'}`;
  return 'not sent';
}

/** The archived weekly reports, newest week first, each downloadable as PDF, CSV and JSON. */
export function ReportsCard() {
  const result = useReports();
  return (
    <QueryCard
      title="Weekly reports"
      subtitle={`the archive, newest week first (up to ${REPORTS_LISTED}; not filtered by the time range)`}
      query={result}
      isEmpty={(list) => list.length === 0}
      empty="No report archived yet: the first is generated on the schedule (Monday 06:00 UTC by default)."
      data-testid="reports"
    >
      {(list) => (
        <table className="table">
          <caption className="visually-hidden">Archived reports</caption>
          <TableHead columns={['Week', 'Period (UTC)', 'Generated', 'Emailed', 'Size', 'Download']} />
          <tbody>
            {list.map((r) => (
              <tr key={r.id} data-testid="report-row">
                <td>{r.name}</td>
                <td className="mono">
                  {formatUtcDateTime(r.periodStart)} – {formatUtcDateTime(r.periodEnd)}
                </td>
                <td className="mono">{formatUtcDateTime(r.generatedAt)}</td>
                <td>{emailText(r)}</td>
                <td>
                  PDF {kib(r.pdfBytes)}, CSV {kib(r.csvBytes)}
                </td>
                <td>
                  {REPORT_FORMATS.map((format, i) => (
                    <span key={format}>
                      {i > 0 && ' · '}
                      <a href={reportDownloadUrl(r.id, format)} download data-testid={`report-${format}`}>
                        {format.toUpperCase()}
                      </a>
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </QueryCard>
  );
}
