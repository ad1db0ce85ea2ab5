import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders, requestUrl, stubFetch } from '@/testing/test-utils';
import type { AbExperimentResult } from '@/types/experiments';
import { ExperimentDetail } from './experiment-detail';

const result: AbExperimentResult = {
  experiment: {
    id: 7,
    name: 'submit_job_result 20% cheaper',
    variantKind: 'contract',
    control: '0x00bf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd',
    treatment: '0x02a1b2c3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef1234',
    entryPoint: 'submit_job_result',
    selector: '0x1',
    metric: 'l2Gas',
    treatmentShare: 0.5,
    alpha: 0.05,
    minimumEffect: 0,
    revertRateTolerance: 0.01,
    plannedUnitsPerArm: 500,
    startTime: '2025-11-23T06:10:00+00:00',
    endTime: null,
    prePeriodHours: 6,
    status: 'running',
    createdBy: 'ops',
    createdAt: '2026-11-30T18:00:00+00:00',
    stoppedBy: null,
    stoppedAt: null,
  },
  from: '2025-11-23T06:10:00+00:00',
  to: '2025-11-24T07:10:00+00:00',
  control: { variant: '0x00bf02', calls: 612, reverted: 18, succeeded: 594, mean: 2_480_000, standardDeviation: 95_000, revertRate: 18 / 612, callers: 8 },
  treatment: { variant: '0x02a1b2', calls: 401, reverted: 12, succeeded: 389, mean: 2_080_000, standardDeviation: 80_000, revertRate: 12 / 401, callers: 8 },
  difference: { estimate: -400_000, lower: -430_000, upper: -370_000, standardError: 5_600, excludesZero: true, halfWidth: 30_000 },
  relativeDifference: -0.161,
  cupedApplied: true,
  varianceReduction: 0.012,
  callersWithPrePeriod: 8,
  revertRateDifference: { estimate: 0.0005, lower: -0.03, upper: 0.031, standardError: 0.011, excludesZero: false, halfWidth: 0.0305 },
  guardrail: 'ok',
  latency: {
    kind: 'jobCompletion',
    definition: 'seconds from a job\'s JobSubmitted on the variant to its JobCompleted there',
    control: { units: 185, meanSeconds: 2329, standardDeviationSeconds: 610 },
    treatment: { units: 217, meanSeconds: 2428, standardDeviationSeconds: 640 },
    difference: { estimate: 99.4, lower: -58.2, upper: 256.9, standardError: 62, excludesZero: false, halfWidth: 157.6 },
    openJobsControl: 21,
    openJobsTreatment: 31,
  },
  sampleRatio: { plannedTreatmentShare: 0.5, observedTreatmentShare: 0.396, chiSquare: 43.1, pValue: 5.2e-11, mismatch: true },
  decision: 'SampleRatioMismatch',
  reason: 'treatment got 39.60% of units, planned 50.00%',
};

describe('A/B experiment result page', () => {
  it('shows both arms, the interval through zero, the SRM flag, the guardrail and the decision', async () => {
    const fetch = stubFetch(() => ({ body: result }));
    renderWithProviders(<ExperimentDetail id="7" />);
    expect(await screen.findByTestId('experiment-decision')).toHaveAttribute('data-decision', 'SampleRatioMismatch');
    expect(screen.getByTestId('experiment-decision')).toHaveTextContent('stop: sample-ratio mismatch');
    expect(screen.getAllByTestId('experiment-arm')).toHaveLength(2);
    expect(screen.getAllByTestId('arm-mean').map((c) => c.textContent)).toEqual(['2,480,000', '2,080,000']);
    expect(screen.getByTestId('difference-row')).toHaveTextContent('−400,000−430,000−370,000');
    expect(screen.getByTestId('interval-plot')).toHaveAttribute('aria-label', 'B − A: −400,000 [−430,000, −370,000]');
    expect(screen.getByTestId('experiment-srm')).toHaveAttribute('data-mismatch', 'true');
    expect(screen.getByTestId('experiment-srm')).toHaveTextContent('MISMATCH: B got 39.60% of units, planned 50.00%');
    expect(screen.getByTestId('experiment-guardrail')).toHaveAttribute('data-status', 'ok');
    expect(screen.getByTestId('experiment-cuped')).toHaveTextContent('8 callers with a 6 h pre-period');
    expect(screen.getByTestId('latency-row')).toHaveAttribute('data-kind', 'jobCompletion');
    expect(screen.getByTestId('latency-row')).toHaveTextContent('job completion time, B − A (A 2,329 s over 185, B 2,428 s over 217)+99.4 s−58.2 s+256.9 s');
    // A viewer (no session here) gets no stop button.
    expect(screen.queryByTestId('ab-experiment-stop')).not.toBeInTheDocument();
    expect(new URL(requestUrl(fetch.mock.calls[0]![0]), 'http://localhost').pathname).toBe('/api/experiments/ab/7/result');
  });

  it('shows the API\'s problem for an unknown experiment', async () => {
    stubFetch(() => ({ status: 404, body: { status: 404, title: 'Experiment not found', detail: 'No A/B experiment has id 9.' } }));
    renderWithProviders(<ExperimentDetail id="9" />);
    expect(await screen.findByText(/No A\/B experiment has id 9/)).toBeInTheDocument();
  });
});
