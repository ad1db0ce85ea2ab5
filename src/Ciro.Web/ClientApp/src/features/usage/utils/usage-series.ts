import type { GasRow, NetworkRow } from '@/types/kpi';

/**
 * Transactions calling each function per bucket (both call shapes), as chart rows: { t, [function]: count }. With
 * `only` (the previous period of the compare toggle: the current period's functions), the rows carry those functions,
 * 0 where one had no calls.
 */
export function callsPerFunction(
  rows: readonly GasRow[],
  only?: readonly string[],
): { functions: string[]; points: ({ t: string } & Record<string, number>)[] } {
  const totals = new Map<string, number>();
  const byBucket = new Map<string, Record<string, number>>();
  for (const r of rows) {
    totals.set(r.function, (totals.get(r.function) ?? 0) + r.txCount);
    const bucket = byBucket.get(r.bucketStart) ?? {};
    bucket[r.function] = (bucket[r.function] ?? 0) + r.txCount;
    byBucket.set(r.bucketStart, bucket);
  }
  const functions = only ? [...only] : [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([f]) => f);
  const points = [...byBucket.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([t, counts]) => ({ t, ...Object.fromEntries(functions.map((f) => [f, counts[f] ?? 0])) }) as { t: string } & Record<string, number>);
  return { functions, points };
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Transactions summed per (UTC weekday, UTC hour): cells[weekday 0 = Monday][hour]. */
export function hourWeekdayHeatmap(rows: readonly NetworkRow[]): number[][] {
  const cells = WEEKDAYS.map(() => new Array<number>(24).fill(0));
  for (const r of rows) {
    const at = new Date(r.bucketStart);
    const weekday = (at.getUTCDay() + 6) % 7;
    cells[weekday]![at.getUTCHours()]! += r.transactions;
  }
  return cells;
}
