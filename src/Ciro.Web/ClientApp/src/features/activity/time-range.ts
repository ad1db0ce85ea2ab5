/** The chart's selectable windows, in minutes. KPIs always use the 30-minute window. */
export const TIME_RANGES = [15, 30, 60] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

export const DEFAULT_TIME_RANGE: TimeRange = 30;
export const KPI_TIME_RANGE: TimeRange = 30;

export function parseTimeRange(raw: string | null | undefined): TimeRange {
  const value = Number(raw);
  return (TIME_RANGES as readonly number[]).includes(value) ? (value as TimeRange) : DEFAULT_TIME_RANGE;
}
