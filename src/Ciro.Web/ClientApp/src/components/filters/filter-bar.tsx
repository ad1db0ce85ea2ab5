import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { SegmentedControl } from '@/components/ui/segmented-control';
import { PERIODS, type KpiFilters, type Period } from '@/lib/kpi-filters';

type FilterBarProps = {
  filters: KpiFilters;
  onChange: (patch: Partial<KpiFilters>) => void;
  /** The metric types this view offers (the API's `metric` values); none hides the control. */
  metrics?: readonly { value: string; label: string }[];
  /** Whether this view filters by contract / function / worker. */
  fields?: readonly ('contract' | 'function' | 'worker')[];
};

/** "2026-11-30T10:00:00.000Z" → "2026-11-30T10:00" for a datetime-local input, which we treat as UTC. */
const toInput = (iso: string | undefined) => (iso ? iso.slice(0, 16) : '');
const fromInput = (value: string) => (value ? new Date(`${value}:00Z`).toISOString() : undefined);

/** Time range (preset or absolute, UTC), contract, function, worker, metric type and the compare-to-previous-period
 * toggle of the time charts; every change goes to the URL. */
export function FilterBar({ filters, onChange, metrics = [], fields = ['contract'] }: FilterBarProps) {
  const [from, setFrom] = useState(toInput(filters.from));
  const [to, setTo] = useState(toInput(filters.to));
  const [text, setText] = useState({ contract: filters.contract ?? '', function: filters.function ?? '', worker: filters.worker ?? '' });
  const absolute = filters.from !== undefined;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const patch: Partial<KpiFilters> = {};
    for (const field of fields) patch[field] = text[field].trim() || undefined;
    if (from && to) {
      patch.from = fromInput(from);
      patch.to = fromInput(to);
    }
    onChange(patch);
  };

  return (
    <form className="filter-bar" aria-label="Filters" onSubmit={apply} data-testid="filter-bar">
      <SegmentedControl<Period | 'custom'>
        label="Time range"
        options={[...PERIODS.map((p) => ({ value: p.value, label: p.label })), ...(absolute ? [{ value: 'custom' as const, label: 'custom' }] : [])]}
        value={absolute ? 'custom' : filters.period}
        onChange={(period) => {
          if (period === 'custom') return;
          setFrom('');
          setTo('');
          onChange({ period, from: undefined, to: undefined });
        }}
        data-testid="filter-period"
      />
      <label className="filter-bar__field">
        From (UTC)
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="filter-from" />
      </label>
      <label className="filter-bar__field">
        To (UTC)
        <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} data-testid="filter-to" />
      </label>
      {fields.map((field) => (
        <label key={field} className="filter-bar__field">
          {field[0]!.toUpperCase() + field.slice(1)}
          <input
            type="text"
            value={text[field]}
            placeholder={field === 'function' ? 'name or 0x selector' : '0x…'}
            onChange={(e) => setText({ ...text, [field]: e.target.value })}
            data-testid={`filter-${field}`}
            spellCheck={false}
          />
        </label>
      ))}
      {metrics.length > 0 && (
        <label className="filter-bar__field">
          Metric
          <select
            value={filters.metric ?? metrics[0]!.value}
            onChange={(e) => onChange({ metric: e.target.value })}
            data-testid="filter-metric"
          >
            {metrics.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="filter-bar__field filter-bar__toggle">
        <input
          type="checkbox"
          checked={filters.compare === true}
          onChange={(e) => onChange({ compare: e.target.checked })}
          data-testid="filter-compare"
        />
        Compare with the previous period
      </label>
      <Button type="submit" data-testid="filter-apply">
        Apply
      </Button>
    </form>
  );
}
