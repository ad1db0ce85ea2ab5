import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders, requestUrl, stubFetch } from '@/testing/test-utils';
import type { ReportSummary } from '@/types/optimisation';
import { ReportsCard } from './reports-view';

const report: ReportSummary = {
  id: '0193f1d2-0000-7000-8000-0000000000aa',
  kind: 'weekly',
  name: '2026-W48',
  periodStart: '2026-11-23T00:00:00Z',
  periodEnd: '2026-11-30T00:00:00Z',
  generatedAt: '2026-11-30T06:00:03Z',
  scheduledFor: '2026-11-30T06:00:00Z',
  emailedAt: '2026-11-30T06:00:05Z',
  emailedTo: ['ops@example.org'],
  emailError: null,
  pdfBytes: 48_128,
  csvBytes: 2_048,
};

const SLOW = 30_000; // render and fetch take seconds on a loaded machine; not a timing check

describe('weekly reports', () => {
  it('lists the archive with a download link per format', async () => {
    const fetch = stubFetch(() => ({ body: [report] }));
    renderWithProviders(<ReportsCard />);
    const row = await screen.findByTestId('report-row');
    expect(row).toHaveTextContent('2026-W48');
    expect(row).toHaveTextContent('to ops@example.org');
    expect(row).toHaveTextContent('PDF 47 KiB, CSV 2 KiB');
    expect(screen.getByTestId('report-pdf')).toHaveAttribute('href', `/api/reports/${report.id}/pdf`);
    expect(screen.getByTestId('report-csv')).toHaveAttribute('href', `/api/reports/${report.id}/csv`);
    expect(screen.getByTestId('report-json')).toHaveAttribute('href', `/api/reports/${report.id}/json`);
    expect(fetch.mock.calls.map(([input]) => requestUrl(input))).toEqual(['/api/reports?limit=52']);
  }, SLOW);

  it('says when nothing is archived yet', async () => {
    stubFetch(() => ({ body: [] }));
    renderWithProviders(<ReportsCard />);
    expect(await screen.findByText(/No report archived yet/)).toBeInTheDocument();
  }, SLOW);
});
