// The compare-to-previous-period overlay of the time charts: the previous period's buckets moved onto the current
// range's x axis (`shiftMs` later), each series' values under a key of their own.

export type ChartRow = { t: string } & Record<string, number | string | null | undefined>;

/** The series that get a previous-period twin: all but those marked `compare: false`. */
export function comparedSeries<S extends { compare?: boolean }>(series: readonly S[]): S[] {
  return series.filter((s) => s.compare !== false);
}

/** The key a series' previous-period values are drawn from. */
export const previousKey = (key: string) => `previous_${key}`;

/**
 * Merges the previous period into the current rows: each previous bucket, moved `shiftMs` later, joins the current
 * bucket it falls in (the latest current bucket start at or before it, less than one bucket step away); one that
 * falls in none becomes a point of its own, so the current series keep their points and no gaps appear in them.
 */
export function alignPrevious(current: readonly ChartRow[], previous: readonly ChartRow[], shiftMs: number, keys: readonly string[]): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const row of current) rows.set(Date.parse(row.t), { ...row });
  const starts = [...rows.keys()].sort((a, b) => a - b);
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < starts.length; i++) step = Math.min(step, starts[i]! - starts[i - 1]!);
  for (const row of previous) {
    const at = Date.parse(row.t) + shiftMs;
    let into = at;
    for (const start of starts) {
      if (start > at) break;
      if (at - start < step) into = start;
    }
    const target = rows.get(into) ?? { t: new Date(into).toISOString() };
    for (const key of keys) target[previousKey(key)] = row[key] ?? null;
    rows.set(into, target);
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}
