import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import { DEFAULT_TIME_RANGE, parseTimeRange, type TimeRange } from '../time-range';

/** The chart window lives in the URL (?range=60) so a shared link shows the same view. */
export function useTimeRange(): [TimeRange, (range: TimeRange) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const range = parseTimeRange(searchParams.get('range'));
  const setRange = useCallback(
    (next: TimeRange) =>
      setSearchParams(
        (current) => {
          const params = new URLSearchParams(current);
          if (next === DEFAULT_TIME_RANGE) params.delete('range');
          else params.set('range', String(next));
          return params;
        },
        { replace: true },
      ),
    [setSearchParams],
  );
  return [range, setRange];
}
