import { Fragment, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorCard } from '@/components/ui/error-card';
import { QueryCard } from '@/components/ui/query-card';
import { TableHead } from '@/components/ui/table-head';
import { hasRole, useCurrentUser } from '@/lib/session';
import type { AlertIncident, TimelineEntry } from '@/types/alerts';
import { formatUtcDateTime } from '@/utils/format';
import { useIncident, useIncidentTimeline } from '../api/get-incident';
import { useAcknowledgeIncident, useResolveIncident } from '../api/incident-actions';

/** One incident: what, where, observed vs expected, who acted; its actions for operators and its audit trail. */
export function IncidentDetail({ id }: { id: string }) {
  const incident = useIncident(id);
  return (
    <>
      <QueryCard title="Incident" subtitle={incident.data?.summary} data-testid="incident-detail" query={incident}>
        {(shown) => (
          <>
            <IncidentFacts incident={shown} />
            <IncidentActions incident={shown} />
          </>
        )}
      </QueryCard>
      <TimelineCard id={id} />
    </>
  );
}

function IncidentFacts({ incident }: { incident: AlertIncident }) {
  const facts: [string, string | null | undefined, string?][] = [
    ['Rule', `${incident.rule} (${incident.ruleKind})`],
    ['Severity', incident.severity, 'detail-severity'],
    ['State', incident.state, 'detail-state'],
    ['Labels', Object.entries(incident.labels).map(([k, v]) => `${k}=${v}`).join(', ') || '—'],
    ['Observed', incident.observed],
    ['Expected', incident.expected],
    ['Since', formatUtcDateTime(incident.since)],
    ['Started', formatUtcDateTime(incident.startedAt)],
    ['Last seen', `${formatUtcDateTime(incident.lastSeenAt)} (${incident.repeats} repeat${incident.repeats === 1 ? '' : 's'})`],
    ['Acknowledged', incident.acknowledgedAt ? `${formatUtcDateTime(incident.acknowledgedAt)} by ${incident.acknowledgedBy ?? '?'}` : '—', 'detail-acknowledged'],
    ['Resolved', incident.resolvedAt ? `${formatUtcDateTime(incident.resolvedAt)} by ${incident.resolvedBy ?? '?'}` : '—'],
    ['Escalation', incident.escalationPolicy ? `${incident.escalationPolicy}, step ${incident.escalationStep}${incident.nextEscalationAt ? `, next ${formatUtcDateTime(incident.nextEscalationAt)}` : ''}` : '—'],
    ['Suppressed by', incident.suppressedBy ?? '—'],
  ];
  return (
    <dl className="facts">
      {facts.map(([label, value, testId]) => (
        <Fragment key={label}>
          <dt>{label}</dt>
          <dd data-testid={testId}>{value}</dd>
        </Fragment>
      ))}
      {incident.dashboardUrl && (
        <>
          <dt>Series</dt>
          <dd>
            <a href={incident.dashboardUrl}>the dashboard view of this series</a>
          </dd>
        </>
      )}
    </dl>
  );
}

/** Acknowledge and resolve, each with an optional comment; a viewer sees the state but no control (the server answers 403 regardless). */
function IncidentActions({ incident }: { incident: AlertIncident }) {
  const user = useCurrentUser();
  const ack = useAcknowledgeIncident(incident.id);
  const resolve = useResolveIncident(incident.id);
  const [comment, setComment] = useState('');
  if (!hasRole(user, 'operator')) {
    return <p className="notes" data-testid="incident-readonly">Operators acknowledge and resolve incidents; you are signed in as a viewer.</p>;
  }
  if (incident.state === 'resolved') return null;
  const busy = ack.isPending || resolve.isPending;
  const submit = (event: FormEvent) => event.preventDefault();
  const error = ack.error ?? resolve.error;
  return (
    <form className="filter-bar" aria-label="Incident actions" onSubmit={submit} data-testid="incident-actions">
      <label className="filter-bar__field">
        Comment
        <input type="text" value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} data-testid="incident-comment" />
      </label>
      {incident.state === 'firing' && (
        <Button disabled={busy} onClick={() => ack.mutate({ comment: comment || null }, { onSuccess: () => setComment('') })} data-testid="incident-ack">
          Acknowledge
        </Button>
      )}
      <Button variant="ghost" disabled={busy} onClick={() => resolve.mutate({ note: comment || null }, { onSuccess: () => setComment('') })} data-testid="incident-resolve">
        Resolve
      </Button>
      {error && <ErrorCard error={error} />}
    </form>
  );
}

function describe(entry: TimelineEntry): string {
  const parts = [entry.kind];
  if (entry.channel) parts.push(`via ${entry.channel}${entry.target ? ` to ${entry.target}` : ''}`);
  if (entry.attempt !== null && entry.attempt !== undefined) parts.push(`attempt ${entry.attempt}`);
  if (entry.succeeded !== null && entry.succeeded !== undefined) parts.push(entry.succeeded ? 'delivered' : 'failed');
  return parts.join(', ');
}

/** The audit trail, oldest first: every transition (who, when, comment) and every delivery attempt. */
function TimelineCard({ id }: { id: string }) {
  const timeline = useIncidentTimeline(id);
  const entries = timeline.data ?? [];
  return (
    <QueryCard title="Timeline" subtitle="every transition and delivery attempt, oldest first" data-testid="incident-timeline" query={timeline}>
      {() => (
        <table className="table">
          <caption className="visually-hidden">Incident timeline</caption>
          <TableHead columns={['When (UTC)', 'What', 'Who', 'Comment']} />
          <tbody>
            {entries.map((entry, i) => (
              <tr key={`${entry.at}-${i}`} data-testid="timeline-entry" data-kind={entry.kind}>
                <td className="mono">{formatUtcDateTime(entry.at)}</td>
                <td>{describe(entry)}</td>
                <td>{entry.actor}</td>
                <td>{entry.comment ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </QueryCard>
  );
}
