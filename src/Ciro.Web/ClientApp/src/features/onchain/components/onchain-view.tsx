import { ExportButtons } from '@/components/ui/export-buttons';
import { SegmentedControl } from '@/components/ui/segmented-control';
import { QueryCard } from '@/components/ui/query-card';
import { TableHead } from '@/components/ui/table-head';
import type { CallRow, Estimate, OnchainWorkerRow } from '@/types/kpi';
import { formatDecimal, formatGas, formatPercent, formatSeconds } from '@/utils/format-kpi';
import { shortHash } from '@/utils/format';
import type { ExportColumn } from '@/utils/table-export';
import { useOnchainCalls, useOnchainJobs, useOnchainWorkers, type OnchainRange } from '../api/get-onchain';
import { TARGET_ERRORS, formatRate, limitingRate, meanRate, relativeHalfWidth, sumCalls, type TargetError } from '../utils/sampling';

const interval = (low: number | null | undefined, high: number | null | undefined, format: (v: number) => string) =>
  low === null || low === undefined || high === null || high === undefined || !Number.isFinite(low) || !Number.isFinite(high)
    ? '—'
    : `${format(low)} – ${format(high)}`;

const within = (value: boolean | null | undefined) => (value === null || value === undefined ? '—' : value ? 'yes' : 'no');

const CALL_COLUMNS: ExportColumn<CallRow>[] = [
  { key: 'function', value: (r) => r.function },
  { key: 'contract', value: (r) => r.contract },
  { key: 'hour', value: (r) => r.hour },
  { key: 'samples', value: (r) => r.samples },
  { key: 'rate', value: (r) => meanRate(r.estimated, r.samples) },
  { key: 'estimated', value: (r) => r.estimated },
  { key: 'low', value: (r) => r.low },
  { key: 'high', value: (r) => r.high },
  { key: 'flushed', value: (r) => r.flushed },
  { key: 'actual', value: (r) => r.actual },
  { key: 'difference', value: (r) => r.difference },
  { key: 'relativeError', value: (r) => r.relativeError },
  { key: 'withinInterval', value: (r) => r.withinInterval },
  { key: 'rateForTarget', value: (r) => r.rateForTarget },
];

const TARGET_OPTIONS = TARGET_ERRORS.map((t) => ({ value: t, label: `±${Math.round(t * 100)} %` }));

const callHeaders = (target: TargetError) => ['Function', 'Contract', 'Samples', 'Rate', 'Estimated', '95% interval', '± (rel.)', 'Flushed', 'Actual', 'Error', 'In interval', `Rate for ±${Math.round(target * 100)} %`];

function CallCells({ r }: { r: CallRow }) {
  return (
    <>
      <td data-testid="call-samples">{r.samples}</td>
      <td data-testid="call-rate">{formatRate(meanRate(r.estimated, r.samples))}</td>
      <td data-testid="call-estimated">{formatGas(r.estimated)}</td>
      <td>{interval(r.low, r.high, formatGas)}</td>
      <td>{formatPercent(relativeHalfWidth(r.estimated, r.low, r.high), 1)}</td>
      <td>{r.flushed === null ? '—' : formatGas(r.flushed)}</td>
      <td data-testid="call-actual">{formatGas(r.actual)}</td>
      <td>{formatPercent(r.relativeError, 1)}</td>
      <td>{within(r.withinInterval)}</td>
      <td data-testid="call-rate-for-target">{formatRate(r.rateForTarget ?? null)}</td>
    </>
  );
}

/** The sparsest rate meeting the target over this range, set by the rarest function, next to the rate in force. */
function TargetRateSummary({ rows, target }: { rows: readonly CallRow[]; target: TargetError }) {
  const sum = sumCalls(rows);
  const limit = limitingRate(rows);
  return (
    <p className="muted" data-testid="onchain-target-rate">
      Sampling now at {formatRate(meanRate(sum.estimated, sum.samples))}.{' '}
      {limit === null
        ? 'No calls in this range: no rate can be suggested.'
        : `To keep every function's 95% interval within ±${Math.round(target * 100)} % over this range, sample at ${formatRate(limit.rate)} or denser (set by ${limit.function}; rate ≤ 1 + calls × error² / 1.96²).`}
    </p>
  );
}

/** Calls per instrumented function: the monitor's 1-in-N estimate with its 95% interval next to the count of every transaction. */
export function OnchainCallsCard({
  range,
  fn,
  target,
  onTarget,
}: {
  range: OnchainRange;
  fn: string | undefined;
  target: TargetError;
  onTarget: (target: TargetError) => void;
}) {
  const result = useOnchainCalls(range, target);
  const rows = (result.data?.totals ?? []).filter((r) => !fn || r.function === fn);
  const sum = sumCalls(rows);
  return (
    <QueryCard
      title="Calls per function"
      subtitle="CallSampled and JobSampled events × the rate each carries, vs every indexed transaction"
      actions={
        <>
          <SegmentedControl label="Error target" options={TARGET_OPTIONS} value={target} onChange={onTarget} data-testid="onchain-target" />
          <ExportButtons view="onchain-calls" rows={rows} columns={CALL_COLUMNS} from={result.data?.from} to={result.data?.to} />
        </>
      }
      data-testid="onchain-calls"
      query={result}
      isEmpty={() => rows.length === 0}
      empty="No instrumented calls in this range"
    >
      {() => (
        <>
          <TargetRateSummary rows={rows} target={target} />
          <table className="table" data-testid="onchain-calls-table">
            <caption className="visually-hidden">Calls per instrumented function</caption>
            <TableHead columns={callHeaders(target)} />
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.contract}-${r.function}`} data-testid="onchain-call" data-function={r.function}>
                  <td className="mono">{r.function}</td>
                  <td className="mono" title={r.contract}>
                    {shortHash(r.contract)}
                  </td>
                  <CallCells r={r} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="onchain-calls-total">
                <th scope="row" colSpan={2}>
                  All functions
                </th>
                <td data-testid="total-samples">{sum.samples}</td>
                <td data-testid="total-rate">{formatRate(meanRate(sum.estimated, sum.samples))}</td>
                <td data-testid="total-estimated">{formatGas(sum.estimated)}</td>
                {/* The functions' intervals do not add up to the total's; its own interval is not served. */}
                <td />
                <td />
                <td />
                <td data-testid="total-actual">{formatGas(sum.actual)}</td>
                <td>{formatPercent(sum.actual ? (sum.estimated - sum.actual) / sum.actual : null, 1)}</td>
                <td />
                <td data-testid="total-rate-for-target">{formatRate(limitingRate(rows)?.rate ?? null)}</td>
              </tr>
            </tfoot>
          </table>
        </>
      )}
    </QueryCard>
  );
}

/** Assignment-to-completion time: the mean of the sampled JobSampled durations with its interval vs the mean over every job. */
export function OnchainJobsCard({ range }: { range: OnchainRange }) {
  const result = useOnchainJobs(range);
  return (
    <QueryCard title="Job stage timing" subtitle="assignment → completion, sampled vs every job" data-testid="onchain-jobs" query={result}>
      {(report) => (
        <dl className="facts">
          <dt>Stage</dt>
          <dd>{report.stage}</dd>
          <dt>Samples</dt>
          <dd data-testid="jobs-samples">{report.samples}</dd>
          <dt>Estimated mean</dt>
          <dd>
            {formatSeconds(report.estimatedMeanSeconds, 2)} (95%: {interval(report.low, report.high, (v) => formatSeconds(v, 2))})
          </dd>
          <dt>Actual mean</dt>
          <dd>
            {formatSeconds(report.actualMeanSeconds, 2)} over {formatGas(report.actualJobs)} jobs
          </dd>
          <dt>Difference</dt>
          <dd>
            {formatSeconds(report.difference, 2)}, in interval: {within(report.withinInterval)}
          </dd>
        </dl>
      )}
    </QueryCard>
  );
}

const estimateText = (e: Estimate) => `${formatDecimal(e.value, 0)} (${interval(e.low, e.high, (v) => formatDecimal(v, 0))})`;

const WORKER_COLUMNS: ExportColumn<OnchainWorkerRow>[] = [
  { key: 'worker', value: (r) => r.worker },
  { key: 'assignedEstimate', value: (r) => r.assigned.value },
  { key: 'assignedSamples', value: (r) => r.assigned.samples },
  { key: 'actualAssigned', value: (r) => r.actualAssigned },
  { key: 'completedEstimate', value: (r) => r.completed.value },
  { key: 'actualCompleted', value: (r) => r.actualCompleted },
  { key: 'failedEstimate', value: (r) => r.failed.value },
  { key: 'actualFailed', value: (r) => r.actualFailed },
];

/** Per worker: jobs estimated from JobSampled (failed = stage 2) vs counted off-chain. */
export function OnchainWorkersCard({ range, worker }: { range: OnchainRange; worker: string | undefined }) {
  const result = useOnchainWorkers(range);
  const rows = (result.data?.workers ?? []).filter((r) => !worker || r.worker.toLowerCase() === worker);
  return (
    <QueryCard
      title="Workers"
      subtitle="estimate (95% interval) vs counted"
      actions={<ExportButtons view="onchain-workers" rows={rows} columns={WORKER_COLUMNS} from={result.data?.from} to={result.data?.to} />}
      data-testid="onchain-workers"
      query={result}
      isEmpty={() => rows.length === 0}
      empty="No worker samples in this range"
    >
      {() => (
        <table className="table" data-testid="onchain-workers-table">
          <caption className="visually-hidden">Worker estimates</caption>
          <TableHead columns={['Worker', 'Assigned (est.)', 'Assigned', 'Completed (est.)', 'Completed', 'Failed (est.)', 'Failed']} />
          <tbody>
            {rows.map((r) => (
              <tr key={r.worker}>
                <td className="mono" title={r.worker}>
                  {shortHash(r.worker)}
                </td>
                <td>{estimateText(r.assigned)}</td>
                <td>{formatGas(r.actualAssigned)}</td>
                <td>{estimateText(r.completed)}</td>
                <td>{formatGas(r.actualCompleted)}</td>
                <td>{estimateText(r.failed)}</td>
                <td>{formatGas(r.actualFailed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </QueryCard>
  );
}
