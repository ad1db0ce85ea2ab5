import type { EffectInterval } from '@/types/experiments';

/** Where an interval's ends, its estimate and zero sit on a plot of `width` units: a shared axis padded by a tenth of
 *  the span on each side, always holding zero (the line the decision is about). */
export function intervalScale(interval: Pick<EffectInterval, 'estimate' | 'lower' | 'upper'>, width: number) {
  let low = Math.min(interval.lower, 0);
  let high = Math.max(interval.upper, 0);
  if (high - low === 0) {
    low -= 1;
    high += 1;
  }
  const pad = (high - low) / 10;
  low -= pad;
  high += pad;
  const x = (v: number) => ((v - low) / (high - low)) * width;
  return { min: low, max: high, lower: x(interval.lower), upper: x(interval.upper), estimate: x(interval.estimate), zero: x(0) };
}

const DECISIONS: Record<string, string> = {
  Continue: 'keep collecting',
  Effect: 'stop: B changed the metric',
  NoMeaningfulEffect: 'stop: no meaningful effect',
  GuardrailBreached: 'stop: guardrail breached',
  SampleRatioMismatch: 'stop: sample-ratio mismatch (data not trustworthy)',
  MaxSampleReached: 'stop: maximum size without a decision',
};

/** The stopping decision in words (the API's enum name when unknown). */
export function decisionText(decision: string): string {
  return DECISIONS[decision] ?? decision;
}

/** Signed gas with thousands separators: +12,345 / −400,000. */
export function signedGas(value: number): string {
  const text = Math.round(Math.abs(value)).toLocaleString('en-US');
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : '0';
}
