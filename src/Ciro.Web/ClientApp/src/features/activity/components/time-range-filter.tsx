import { SegmentedControl } from '@/components/ui/segmented-control';
import { TIME_RANGES, type TimeRange } from '../time-range';

const OPTIONS = TIME_RANGES.map((minutes) => ({ value: minutes, label: `${minutes} min` }));

type TimeRangeFilterProps = {
  value: TimeRange;
  onChange: (range: TimeRange) => void;
};

export function TimeRangeFilter({ value, onChange }: TimeRangeFilterProps) {
  return <SegmentedControl label="Time range" options={OPTIONS} value={value} onChange={onChange} data-testid="range-filter" />;
}
