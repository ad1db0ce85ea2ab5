import { createColumnHelper } from '@tanstack/react-table';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { ExportButtons } from '@/components/ui/export-buttons';
import { KpiCard } from '@/components/ui/kpi-card';
import { SegmentedControl } from '@/components/ui/segmented-control';
import { QueryCard } from '@/components/ui/query-card';
import type { AlertIncident } from '@/types/alerts';
import { formatAge, formatUtcDateTime } from '@/utils/format';
import type { ExportColumn } from '@/utils/table-export';
import { useIncidentStats } from '../api/get-incident-stats';
import { useIncidents, type IncidentsQuery } from '../api/get-incidents';
import { SEVERITIES, STATES, type AlertFilters, type Severity } from '../utils/alert-filters';
import { formatDuration } from './format-duration';

type Range = { from?: string; to?: string };

/** MTTA and MTTR over the incidents that started in the range, with the counts they are taken over. */
export function IncidentStatsCard({ range }: { range: Range }) {
  const result = useIncidentStats(range);
  return (
    <QueryCard title="Response" subtitle="incidents that started in the range" data-testid="alerts-stats" query={result}>
      {(stats) => (
        <div className="kpis">
          <KpiCard label="Incidents" value={stats.incidents.toLocaleString('en-US')} hint={`${stats.open} open`} valueTestId="stat-incidents" />
          <KpiCard
            label="MTTA"
            value={formatDuration(stats.meanTimeToAcknowledgeSeconds)}
            hint={`mean time to acknowledge, ${stats.acknowledged} acknowledged`}
            valueTestId="stat-mtta"
          />
          <KpiCard
            label="MTTR"
            value={formatDuration(stats.meanTimeToResolveSeconds)}
            hint={`mean time to resolve, ${stats.resolved} resolved`}
            valueTestId="stat-mttr"
          />
        </div>
      )}
    </QueryCard>
  );
}

type AlertFilterBarProps = { filters: AlertFilters; onChange: (patch: Partial<AlertFilters>) => void };

/** State, severity and rule; every change goes to the URL beside the shared time range. */
export function AlertFilterBar({ filters, onChange }: AlertFilterBarProps) {
  const [rule, setRule] = useState(filters.rule ?? '');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    onChange({ rule: rule.trim() || undefined });
  };
  return (
    <form className="filter-bar" aria-label="Incident filters" onSubmit={apply} data-testid="alert-filters">
      <SegmentedControl
        label="State"
        options={STATES.map((s) => ({ value: s, label: s }))}
        value={filters.state}
        onChange={(state) => onChange({ state })}
        data-testid="filter-state"
      />
      <label className="filter-bar__field">
        Severity
        <select
          value={filters.severity ?? ''}
          onChange={(e) => onChange({ severity: (e.target.value || undefined) as Severity | undefined })}
          data-testid="filter-severity"
        >
          <option value="">any</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="filter-bar__field">
        Rule
        <input type="text" value={rule} placeholder="rule id" onChange={(e) => setRule(e.target.value)} spellCheck={false} data-testid="filter-rule" />
      </label>
      <Button type="submit" data-testid="alert-filter-apply">
        Apply
      </Button>
    </form>
  );
}

const INCIDENT_COLUMNS: ExportColumn<AlertIncident>[] = [
  { key: 'id', value: (i) => i.id },
  { key: 'rule', value: (i) => i.rule },
  { key: 'severity', value: (i) => i.severity },
  { key: 'state', value: (i) => i.state },
  { key: 'summary', value: (i) => i.summary },
  { key: 'startedAt', value: (i) => i.startedAt },
  { key: 'repeats', value: (i) => i.repeats },
  { key: 'acknowledgedAt', value: (i) => i.acknowledgedAt },
  { key: 'acknowledgedBy', value: (i) => i.acknowledgedBy },
  { key: 'resolvedAt', value: (i) => i.resolvedAt },
  { key: 'resolvedBy', value: (i) => i.resolvedBy },
];

const column = createColumnHelper<AlertIncident>();

type IncidentsCardProps = { query: IncidentsQuery; incidentHref: (id: string) => string };

/** The incidents that match the filters, newest first; a click opens the incident with its timeline. */
export function IncidentsCard({ query, incidentHref }: IncidentsCardProps) {
  const result = useIncidents(query);
  const rows = result.data ?? [];
  const columns = [
    column.accessor('severity', {
      header: 'Severity',
      cell: (c) => <span className={`badge badge--${c.getValue()}`}>{c.getValue()}</span>,
    }),
    column.accessor('rule', {
      header: 'Rule',
      cell: (c) => (
        <Link to={incidentHref(c.row.original.id)} className="mono" data-testid="incident-link">
          {c.getValue()}
        </Link>
      ),
    }),
    column.accessor('state', { header: 'State', cell: (c) => <span data-testid="incident-state">{c.getValue()}</span> }),
    column.accessor('summary', { header: 'Summary', enableSorting: false }),
    column.accessor('repeats', { header: 'Repeats' }),
    column.accessor('startedAt', {
      header: 'Started',
      cell: (c) => (
        <time dateTime={c.getValue()} title={formatUtcDateTime(c.getValue())}>
          {formatAge(c.getValue())}
        </time>
      ),
    }),
  ];
  return (
    <QueryCard
      title="Incidents"
      subtitle={result.data ? `${rows.length} ${query.state === 'all' ? '' : `${query.state} `}incident${rows.length === 1 ? '' : 's'}${rows.length === query.limit ? ` (first ${query.limit})` : ''}` : undefined}
      actions={<ExportButtons view="incidents" rows={rows} columns={INCIDENT_COLUMNS} from={query.from} to={query.to} />}
      data-testid="alerts-incidents"
      query={result}
      isEmpty={() => rows.length === 0}
      empty="No incidents match these filters"
    >
      {() => (
        <DataTable
          rows={rows}
          columns={columns}
          caption="Incidents"
          initialSorting={[{ id: 'startedAt', desc: true }]}
          rowTestId={(i) => `incident-${i.id}`}
          data-testid="incidents-table"
        />
      )}
    </QueryCard>
  );
}
