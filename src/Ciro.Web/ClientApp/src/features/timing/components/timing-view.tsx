import { ExportButtons } from '@/components/ui/export-buttons';
import { QueryCard } from '@/components/ui/query-card';
import { SegmentedControl } from '@/components/ui/segmented-control';
import { TimeSeriesChart } from '@/components/ui/time-series-chart';
import { usePreviousPeriod } from '@/components/ui/previous-period';
import { TableHead } from '@/components/ui/table-head';
import type { InclusionRow, JobStageRow, KpiQuery } from '@/types/kpi';
import { formatSeconds } from '@/utils/format-kpi';
import type { ExportColumn } from '@/utils/table-export';
import { getInclusionIntervalsQueryOptions, useInclusionIntervals } from '../api/get-inclusion-intervals';
import { getJobStagesQueryOptions, useJobStages } from '../api/get-job-stages';

type PercentileRow = { bucketStart: string; meanSeconds?: number | null; p50Seconds?: number | null; p95Seconds?: number | null; p99Seconds?: number | null };
const chartRow = (r: PercentileRow) => ({ t: r.bucketStart, mean: r.meanSeconds, p50: r.p50Seconds, p95: r.p95Seconds, p99: r.p99Seconds });

const INCLUSION_COLUMNS: ExportColumn<InclusionRow>[] = [
  { key: 'bucketStart', value: (r) => r.bucketStart },
  { key: 'intervals', value: (r) => r.intervals },
  { key: 'meanSeconds', value: (r) => r.meanSeconds },
  { key: 'p50Seconds', value: (r) => r.p50Seconds },
  { key: 'p95Seconds', value: (r) => r.p95Seconds },
  { key: 'p99Seconds', value: (r) => r.p99Seconds },
];

const STAGE_COLUMNS: ExportColumn<JobStageRow>[] = [
  { key: 'bucketStart', value: (r) => r.bucketStart },
  { key: 'stage', value: (r) => r.stage },
  { key: 'count', value: (r) => r.count },
  { key: 'meanSeconds', value: (r) => r.meanSeconds },
  { key: 'p50Seconds', value: (r) => r.p50Seconds },
  { key: 'p95Seconds', value: (r) => r.p95Seconds },
  { key: 'p99Seconds', value: (r) => r.p99Seconds },
];

const bucket = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function PercentileTable<Row extends { bucketStart: string; meanSeconds?: number | null; p50Seconds?: number | null; p95Seconds?: number | null; p99Seconds?: number | null }>({
  rows,
  count,
  caption,
  testId,
}: {
  rows: Row[];
  count: (r: Row) => number;
  caption: string;
  testId: string;
}) {
  return (
    <table className="table" data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <TableHead columns={['Bucket (UTC)', 'Count', 'Mean', 'p50', 'p95', 'p99']} />
      <tbody>
        {[...rows].reverse().map((r) => (
          <tr key={r.bucketStart}>
            <td className="mono">{bucket(r.bucketStart)}</td>
            <td>{count(r)}</td>
            <td>{formatSeconds(r.meanSeconds, 3)}</td>
            <td data-testid={`${testId}-p50`}>{formatSeconds(r.p50Seconds, 3)}</td>
            <td>{formatSeconds(r.p95Seconds, 3)}</td>
            <td>{formatSeconds(r.p99Seconds, 3)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function InclusionCard({ query }: { query: KpiQuery }) {
  const result = useInclusionIntervals(query);
  const previous = usePreviousPeriod(getInclusionIntervalsQueryOptions, query);
  const rows = result.data?.items ?? [];
  return (
    <QueryCard
      title="Block inclusion intervals"
      subtitle="time between consecutive blocks, per bucket"
      actions={<ExportButtons view="inclusion" rows={rows} columns={INCLUSION_COLUMNS} from={result.data?.from} to={result.data?.to} />}
      query={result}
      isEmpty={(page) => page.items.length === 0}
      empty="No blocks in this range"
      data-testid="timing-inclusion"
    >
      {() => (
        <>
          <TimeSeriesChart
            data={rows.map(chartRow)}
            previous={previous && { data: previous.rows.map(chartRow), shiftMs: previous.shiftMs }}
            series={[
              { key: 'p50', label: 'p50 (s)', color: 'var(--series-submitted)' },
              { key: 'p95', label: 'p95 (s)', color: 'var(--series-assigned)' },
              { key: 'p99', label: 'p99 (s)', color: 'var(--series-failed)', dashed: true },
            ]}
            data-testid="inclusion-chart"
          />
          <PercentileTable rows={rows} count={(r) => r.intervals} caption="Inclusion intervals per bucket" testId="inclusion-table" />
        </>
      )}
    </QueryCard>
  );
}

const STAGE_LABELS: Record<string, string> = {
  submitted_to_completed: 'submitted → completed',
  assigned_to_completed: 'assigned → completed',
  completed_to_paid: 'completed → paid',
};

type JobStagesCardProps = { query: KpiQuery; stage: string; onStage: (stage: string) => void };

export function JobStagesCard({ query, stage, onStage }: JobStagesCardProps) {
  const result = useJobStages(query);
  const previous = usePreviousPeriod(getJobStagesQueryOptions, query);
  const all = result.data?.items ?? [];
  const stages = [...new Set(all.map((r) => r.stage))];
  const shown = stages.includes(stage) ? stage : (stages[0] ?? stage);
  const rows = all.filter((r) => r.stage === shown);
  return (
    <QueryCard
      title="Job lifecycle"
      subtitle="CIRO job stage durations (events joined on job_id), per bucket"
      actions={<ExportButtons view={`job-stages-${shown}`} rows={rows} columns={STAGE_COLUMNS} from={result.data?.from} to={result.data?.to} />}
      query={result}
      isEmpty={() => rows.length === 0}
      empty="No completed job stages in this range"
      data-testid="timing-jobs"
    >
      {(page) => (
        <>
          <SegmentedControl
            label="Stage"
            options={stages.map((s) => ({ value: s, label: STAGE_LABELS[s] ?? s }))}
            value={shown}
            onChange={onStage}
            data-testid="stage-picker"
          />
          <TimeSeriesChart
            data={rows.map(chartRow)}
            previous={previous && { data: previous.rows.filter((r) => r.stage === shown).map(chartRow), shiftMs: previous.shiftMs }}
            series={[
              { key: 'mean', label: 'mean (s)', color: 'var(--series-completed)' },
              { key: 'p50', label: 'p50 (s)', color: 'var(--series-submitted)' },
              { key: 'p95', label: 'p95 (s)', color: 'var(--series-assigned)' },
              { key: 'p99', label: 'p99 (s)', color: 'var(--series-failed)', dashed: true },
            ]}
            data-testid="stages-chart"
          />
          <PercentileTable rows={rows} count={(r) => r.count} caption={`${shown} per bucket`} testId="stages-table" />
          <ul className="notes">
            {page.notes.map((note) => <li key={note}>{note}</li>)}
          </ul>
        </>
      )}
    </QueryCard>
  );
}
