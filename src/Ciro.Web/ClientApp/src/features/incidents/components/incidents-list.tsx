import { Card } from '@/components/ui/card';
import { ErrorCard } from '@/components/ui/error-card';
import { formatAge, formatUtcDateTime } from '@/utils/format';
import { useOpenIncidents } from '../api/get-open-incidents';

const SEVERITY_ORDER: Record<string, number> = { critical: 0, warning: 1, info: 2 };

export function IncidentsList() {
  const query = useOpenIncidents();
  const incidents = [...(query.data ?? [])].sort(
    (a, b) =>
      (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3) || Date.parse(b.startedAt) - Date.parse(a.startedAt),
  );

  return (
    <Card title="Open incidents" subtitle={query.data ? `${incidents.length} open` : undefined} data-testid="incidents">
      {query.isError && !query.data ? (
        <ErrorCard error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <p className="loading">Loading…</p>
      ) : incidents.length === 0 ? (
        <p className="empty-state">No open incidents</p>
      ) : (
        <ul className="incidents">
          {incidents.map((incident) => (
            <li key={incident.id} className={`incident incident--${incident.severity}`} data-testid="incident">
              <div className="incident__head">
                <span className={`badge badge--${incident.severity}`}>{incident.severity}</span>
                <span className="incident__rule mono">{incident.rule}</span>
                <span className="incident__state">{incident.state}</span>
                <time className="incident__age" dateTime={incident.startedAt} title={formatUtcDateTime(incident.startedAt)}>
                  {formatAge(incident.startedAt)}
                </time>
              </div>
              <p className="incident__summary">{incident.summary}</p>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
