import type { CallRow } from '@/types/kpi';

/**
 * The mean sample rate behind an estimate: each sampled event stands for its own rate, so Σ rates / samples is the
 * rate in force when all samples share one (the monitor's 1-in-N); null without samples.
 */
export function meanRate(estimated: number | undefined, samples: number | undefined): number | null {
  return samples && estimated !== undefined ? estimated / samples : null;
}

/** "1/16"; a mix of rates (a change mid-range) shows its mean with one decimal. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  return Number.isInteger(rate) ? `1/${rate}` : `1/${rate.toFixed(1)}`;
}

/** Half the 95% interval's width relative to the estimate: the sampling confidence in one number. */
export function relativeHalfWidth(estimated: number, low: number, high: number): number | null {
  return estimated > 0 ? (high - low) / 2 / estimated : null;
}

/** The totals row of the calls table: samples, estimate and off-chain count summed over the functions shown. */
export function sumCalls(rows: readonly CallRow[]): { samples: number; estimated: number; actual: number } {
  return rows.reduce(
    (sum, r) => ({ samples: sum.samples + r.samples, estimated: sum.estimated + r.estimated, actual: sum.actual + r.actual }),
    { samples: 0, estimated: 0, actual: 0 },
  );
}

/** The error targets offered for the suggested rate (fractions: ±5 %, ±10 %, ±20 %); ±10 % unless the URL says otherwise. */
export const TARGET_ERRORS = [0.05, 0.1, 0.2] as const;
export type TargetError = (typeof TARGET_ERRORS)[number];

export function parseTargetError(value: string | null): TargetError {
  const parsed = Number(value);
  return TARGET_ERRORS.find((t) => t === parsed) ?? 0.1;
}

/**
 * The sparsest rate that keeps every function shown within the target: the smallest of the rows' limits (the rarest
 * function decides), with the function that sets it; null when no function was called.
 */
export function limitingRate(rows: readonly CallRow[]): { rate: number; function: string } | null {
  return rows.reduce<{ rate: number; function: string } | null>(
    (best, r) => (r.rateForTarget != null && (best === null || r.rateForTarget < best.rate) ? { rate: r.rateForTarget, function: r.function } : best),
    null,
  );
}
