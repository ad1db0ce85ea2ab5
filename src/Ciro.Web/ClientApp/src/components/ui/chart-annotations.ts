import { createContext, useContext } from 'react';
import type { ClassChange } from '@/types/kpi';

/**
 * Class changes (deploys and upgrades) the time charts of a view mark; provided by the view's frame from the chain's
 * class history, empty outside one (a chart in a test, a card on its own).
 */
export const ChartAnnotationsContext = createContext<readonly ClassChange[]>([]);

export const useChartAnnotations = () => useContext(ChartAnnotationsContext);

/** A change placed on a chart: at the bucket it fell in, with the label drawn there and the sentence read aloud. */
export type PlacedAnnotation = { t: string; label: string; description: string };

const short = (hex: string) => (hex.length > 12 ? `${hex.slice(0, 6)}…${hex.slice(-4)}` : hex);

/**
 * Places each change in the bucket whose start is the last at or before it; a change before the first bucket, or
 * after the last bucket's end (its width taken from its neighbour), is off this chart. Several in one bucket share
 * one line, labelled with the count.
 */
export function placeAnnotations(bucketStarts: readonly string[], changes: readonly ClassChange[]): PlacedAnnotation[] {
  if (bucketStarts.length === 0 || changes.length === 0) return [];
  const starts = bucketStarts.map((t) => Date.parse(t));
  const width = starts.length > 1 ? starts[starts.length - 1]! - starts[starts.length - 2]! : 3_600_000;
  const end = starts[starts.length - 1]! + width;
  const byBucket = new Map<string, ClassChange[]>();
  for (const change of changes) {
    const at = Date.parse(change.blockTime);
    if (at < starts[0]! || at >= end) continue;
    let i = starts.length - 1;
    while (starts[i]! > at) i--;
    const t = bucketStarts[i]!;
    byBucket.set(t, [...(byBucket.get(t) ?? []), change]);
  }
  return [...byBucket.entries()].map(([t, inBucket]) => {
    const first = inBucket[0]!;
    const word = (c: ClassChange) => (c.change === 'replaced' ? 'upgrade' : 'deploy');
    return {
      t,
      label: inBucket.length === 1 ? `${word(first)} ${short(first.contract)}` : `${inBucket.length} class changes`,
      description: inBucket
        .map((c) =>
          c.change === 'replaced'
            ? `Block ${c.blockNumber}: ${c.contract} upgraded from class ${c.previousClassHash ?? 'unknown'} to ${c.classHash}`
            : `Block ${c.blockNumber}: ${c.contract} deployed with class ${c.classHash}`,
        )
        .join('; '),
    };
  });
}
