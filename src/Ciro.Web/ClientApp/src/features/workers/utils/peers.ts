import type { LeaderboardRow } from '@/types/kpi';

/** Median of the ranked workers' values (the peers a worker is compared with); null without any. */
export function peerMedian(rows: readonly LeaderboardRow[], value: (r: LeaderboardRow) => number | null | undefined): number | null {
  const values = rows
    .filter((r) => r.ranked)
    .map(value)
    .filter((v): v is number => v !== null && v !== undefined)
    .sort((a, b) => a - b);
  if (values.length === 0) return null;
  const middle = Math.floor(values.length / 2);
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}
