import { QueryCard } from '@/components/ui/query-card';
import { TableHead } from '@/components/ui/table-head';
import { hasRole, useCurrentUser } from '@/lib/session';
import type { AbArm, AbExperimentResult, AbLatency, EffectInterval } from '@/types/experiments';
import { formatDecimal, formatGas, formatPercent } from '@/utils/format-kpi';
import { formatUtcDateTime, shortHash } from '@/utils/format';
import { useAbExperimentResult } from '../api/get-ab-experiment-result';
import { decisionText, intervalScale, signedGas } from '../utils/interval-scale';
import { StopExperimentButton } from './stop-experiment-button';

const PLOT_WIDTH = 560;

/** B − A with its always-valid interval on an axis through zero: the bar is the interval, the dot the estimate. */
export function IntervalPlot({ interval, label }: { interval: EffectInterval; label: string }) {
  const s = intervalScale(interval, PLOT_WIDTH);
  return (
    <svg
      className="interval-plot"
      viewBox={`0 0 ${PLOT_WIDTH} 56`}
      width="100%"
      role="img"
      aria-label={`${label}: ${signedGas(interval.estimate)} [${signedGas(interval.lower)}, ${signedGas(interval.upper)}]`}
      data-testid="interval-plot"
    >
      <line x1={0} x2={PLOT_WIDTH} y1={28} y2={28} stroke="currentColor" strokeOpacity={0.25} />
      <line x1={s.zero} x2={s.zero} y1={6} y2={50} stroke="currentColor" strokeDasharray="3 3" data-testid="interval-zero" />
      <text x={s.zero + 4} y={12} fontSize={11} fill="currentColor">
        0
      </text>
      <rect x={s.lower} y={22} width={Math.max(1, s.upper - s.lower)} height={12} rx={3} fill="var(--accent, #3b82f6)" fillOpacity={0.35} />
      <circle cx={s.estimate} cy={28} r={5} fill="var(--accent, #3b82f6)" />
      <text x={s.lower} y={50} fontSize={11} fill="currentColor" textAnchor="middle">
        {signedGas(interval.lower)}
      </text>
      <text x={s.upper} y={50} fontSize={11} fill="currentColor" textAnchor="middle">
        {signedGas(interval.upper)}
      </text>
    </svg>
  );
}

function ArmRow({ name, arm }: { name: string; arm: AbArm }) {
  return (
    <tr data-testid="experiment-arm" data-arm={name}>
      <th scope="row">{name}</th>
      <td className="mono" title={arm.variant}>
        {shortHash(arm.variant)}
      </td>
      <td className="num">{formatGas(arm.calls)}</td>
      <td className="num">{formatGas(arm.reverted)}</td>
      <td className="num" data-testid="arm-mean">
        {formatGas(arm.mean)}
      </td>
      <td className="num">{formatGas(arm.standardDeviation)}</td>
      <td className="num">{formatPercent(arm.revertRate, 2)}</td>
      <td className="num">{formatGas(arm.callers)}</td>
    </tr>
  );
}

const seconds = (value: number) => `${value < 0 ? '−' : value > 0 ? '+' : ''}${formatDecimal(Math.abs(value), 1)} s`;

/** Latency beside gas: the kind (job completion or inclusion time), each arm's units and mean, B − A with its interval. */
function LatencyRow({ latency }: { latency: AbLatency }) {
  const d = latency.difference;
  const name = latency.kind === 'jobCompletion' ? 'job completion time' : 'inclusion time';
  return (
    <tr data-testid="latency-row" data-kind={latency.kind}>
      <th scope="row" title={latency.definition}>
        {name}, B − A (A {formatGas(Math.round(latency.control.meanSeconds))} s over {formatGas(latency.control.units)}, B{' '}
        {formatGas(Math.round(latency.treatment.meanSeconds))} s over {formatGas(latency.treatment.units)})
      </th>
      <td className="num">{d ? seconds(d.estimate) : '—'}</td>
      <td className="num">{d ? seconds(d.lower) : '—'}</td>
      <td className="num">{d ? seconds(d.upper) : '—'}</td>
      <td />
    </tr>
  );
}

function ResultBody({ r }: { r: AbExperimentResult }) {
  const e = r.experiment;
  const srm = r.sampleRatio;
  const operator = hasRole(useCurrentUser(), 'operator');
  return (
    <>
      {operator && <StopExperimentButton experiment={e} />}
      <dl className="facts">
        <dt>Decision</dt>
        <dd data-testid="experiment-decision" data-decision={r.decision}>
          {decisionText(r.decision)} — {r.reason}
        </dd>
        <dt>Entry point</dt>
        <dd className="mono">{e.entryPoint}</dd>
        <dt>Variants</dt>
        <dd>
          {e.variantKind === 'class' ? 'class hashes' : 'deployments'}, planned {formatPercent(e.treatmentShare, 0)} to B
        </dd>
        <dt>Window</dt>
        <dd>
          {formatUtcDateTime(r.from)} → {formatUtcDateTime(r.to)} ({e.status})
        </dd>
      </dl>
      <table className="table" data-testid="experiment-arms">
        <caption className="visually-hidden">Per variant</caption>
        <TableHead columns={['Arm', 'Variant', 'Calls', 'Reverted', `Mean ${e.metric}`, 'Std dev', 'Revert rate', 'Callers']} />
        <tbody>
          <ArmRow name="A (control)" arm={r.control} />
          <ArmRow name="B (treatment)" arm={r.treatment} />
        </tbody>
      </table>
      <h3>B − A per call, {formatPercent(1 - e.alpha, 0)} always-valid confidence sequence</h3>
      <IntervalPlot interval={r.difference} label="B − A" />
      <table className="table" data-testid="experiment-intervals">
        <caption className="visually-hidden">Intervals</caption>
        <TableHead columns={['Quantity', 'Estimate', 'Lower', 'Upper', 'Relative']} />
        <tbody>
          <tr data-testid="difference-row">
            <th scope="row">{e.metric} per call, B − A</th>
            <td className="num">{signedGas(r.difference.estimate)}</td>
            <td className="num">{signedGas(r.difference.lower)}</td>
            <td className="num">{signedGas(r.difference.upper)}</td>
            <td className="num">{formatPercent(r.relativeDifference, 1)}</td>
          </tr>
          <tr data-testid="revert-row">
            <th scope="row">revert rate, B − A (guardrail)</th>
            <td className="num">{formatPercent(r.revertRateDifference.estimate, 2)}</td>
            <td className="num">{formatPercent(r.revertRateDifference.lower, 2)}</td>
            <td className="num">{formatPercent(r.revertRateDifference.upper, 2)}</td>
            <td />
          </tr>
          <LatencyRow latency={r.latency} />
        </tbody>
      </table>
      <dl className="facts">
        <dt>Sample ratio</dt>
        <dd data-testid="experiment-srm" data-mismatch={String(srm.mismatch)}>
          {srm.mismatch ? 'MISMATCH' : 'ok'}: B got {formatPercent(srm.observedTreatmentShare, 2)} of units, planned{' '}
          {formatPercent(srm.plannedTreatmentShare, 2)} (χ² = {formatDecimal(srm.chiSquare, 1)}, p = {srm.pValue.toPrecision(3)})
        </dd>
        <dt>Guardrail</dt>
        <dd data-testid="experiment-guardrail" data-status={r.guardrail}>
          {r.guardrail}: revert rate tolerance {formatPercent(e.revertRateTolerance, 2)}
        </dd>
        <dt>CUPED</dt>
        <dd data-testid="experiment-cuped">
          {r.cupedApplied
            ? `applied: ${formatPercent(r.varianceReduction, 1)} less variance, ${r.callersWithPrePeriod} callers with a ${e.prePeriodHours} h pre-period`
            : e.prePeriodHours
              ? 'no pre-period data'
              : 'no pre-period set'}
        </dd>
      </dl>
    </>
  );
}

/** One A/B experiment's result: arms, the interval plot and table, SRM, guardrail, CUPED and the stopping decision. */
export function ExperimentDetail({ id }: { id: string }) {
  const result = useAbExperimentResult(id);
  return (
    <QueryCard
      title={result.data ? result.data.experiment.name : `Experiment ${id}`}
      subtitle="computed now from the indexed calls; safe to read at any time (the intervals hold at every look)"
      data-testid="experiment-detail"
      query={result}
    >
      {(r) => <ResultBody r={r} />}
    </QueryCard>
  );
}
