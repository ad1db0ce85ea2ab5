import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { JobsBucket } from '@/types/api';
import { formatUtcDateTime, formatUtcMinute } from '@/utils/format';

// Colours come from the theme (index.css), so the chart follows it without code changes.
const SERIES = [
  { key: 'submitted', name: 'Submitted', color: 'var(--series-submitted)' },
  { key: 'assigned', name: 'Assigned', color: 'var(--series-assigned)' },
  { key: 'completed', name: 'Completed', color: 'var(--series-completed)' },
  { key: 'failed', name: 'Failed', color: 'var(--series-failed)' },
] as const;

export function JobsChart({ buckets }: { buckets: readonly JobsBucket[] }) {
  return (
    <ResponsiveContainer width="100%" height={300}>
      <LineChart data={buckets} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
        <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" vertical={false} />
        <XAxis
          dataKey="minute"
          tickFormatter={formatUtcMinute}
          stroke="var(--text-muted)"
          tick={{ fill: 'var(--text-muted)', fontSize: 12 }}
          minTickGap={24}
        />
        <YAxis allowDecimals={false} stroke="var(--text-muted)" tick={{ fill: 'var(--text-muted)', fontSize: 12 }} />
        <Tooltip
          labelFormatter={(label) => (typeof label === 'string' ? formatUtcDateTime(label) : label)}
          contentStyle={{ background: 'var(--surface-raised)', border: '1px solid var(--border)', borderRadius: 8 }}
          labelStyle={{ color: 'var(--text)' }}
        />
        <Legend itemSorter={null} wrapperStyle={{ color: 'var(--text-muted)', fontSize: 13 }} />
        {SERIES.map((series) => (
          <Line
            key={series.key}
            type="linear"
            dataKey={series.key}
            name={series.name}
            stroke={series.color}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
