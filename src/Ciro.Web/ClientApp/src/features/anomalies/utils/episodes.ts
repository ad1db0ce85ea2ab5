import type { AnomalyRow } from '@/types/kpi';

/** Score at or above which an hour is anomalous (the detector's scores are in [0, 1]). */
export const EPISODE_THRESHOLD = 0.5;

export type Episode = { from: string; to: string; hours: number; peakScore: number; peak: AnomalyRow };

/** Consecutive hours scoring at or above the threshold form one episode; its explanation is its peak hour's. */
export function episodes(rows: readonly AnomalyRow[], threshold = EPISODE_THRESHOLD): Episode[] {
  const found: Episode[] = [];
  let current: Episode | undefined;
  for (const row of rows) {
    if (row.score >= threshold && !row.warmingUp) {
      if (current) {
        current.to = row.hour;
        current.hours += 1;
        if (row.score > current.peakScore) {
          current.peakScore = row.score;
          current.peak = row;
        }
      } else {
        current = { from: row.hour, to: row.hour, hours: 1, peakScore: row.score, peak: row };
        found.push(current);
      }
    } else {
      current = undefined;
    }
  }
  return found;
}
