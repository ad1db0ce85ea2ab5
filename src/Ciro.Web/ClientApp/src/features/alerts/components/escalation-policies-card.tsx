import { QueryCard } from '@/components/ui/query-card';
import { TableHead } from '@/components/ui/table-head';
import type { EscalationPolicy } from '@/types/alerts';
import { formatUtcDateTime } from '@/utils/format';
import { useEscalationPolicies } from '../api/get-escalation-policies';
import { formatTimeSpan } from '../utils/time-span';

type Row = { policy: EscalationPolicy; source: string; changed?: string };

function matchOf(policy: EscalationPolicy): string {
  const match = Object.entries(policy.match ?? {});
  return match.length === 0 ? 'every incident' : match.map(([key, value]) => `${key}=${value}`).join(', ');
}

/**
 * Escalation policies in the order an incident's labels are matched against them: the configuration's, then those
 * created through the API (with version and who changed them last). Read-only here: admins change API policies
 * through the alerts API.
 */
export function EscalationPoliciesCard() {
  const result = useEscalationPolicies();
  return (
    <QueryCard
      title="Escalation policies"
      subtitle="the first whose match fits an incident pages it; an acknowledgement stops it"
      data-testid="alerts-escalation-policies"
      query={result}
      isEmpty={(list) => list.configured.length === 0 && list.api.length === 0}
      empty="No escalation policy: incidents notify every channel's configured recipients once"
    >
      {(list) => {
        const rows: Row[] = [
          ...list.configured.map((policy) => ({ policy, source: 'configuration' })),
          ...list.api.map((stored) => ({
            policy: stored.policy,
            source: `api v${stored.version}`,
            changed: `${stored.updatedBy}, ${formatUtcDateTime(stored.updatedAt)}`,
          })),
        ];
        return (
          <table className="table" data-testid="escalation-policies-table">
            <caption className="visually-hidden">Escalation policies</caption>
            <TableHead columns={['Policy', 'Match', 'Steps', 'Repeat', 'Ack timeout', 'Source']} />
            <tbody>
              {rows.map(({ policy, source, changed }) => (
                <tr key={`${source}-${policy.name}`} data-testid="escalation-policy">
                  <td className="mono">{policy.name}</td>
                  <td className="mono">{matchOf(policy)}</td>
                  <td>
                    <ol data-testid="escalation-steps">
                      {(policy.steps ?? []).map((step, i) => (
                        <li key={i}>
                          {(step.targets ?? [])
                            .map((t) => `${t.channel}${t.recipients && t.recipients.length > 0 ? ` → ${t.recipients.join(', ')}` : ''}`)
                            .join('; ')}
                          {(i < (policy.steps ?? []).length - 1 || (policy.repeat ?? 0) > 0) && `, then ${formatTimeSpan(step.delay)} later`}
                        </li>
                      ))}
                    </ol>
                  </td>
                  <td>{policy.repeat ?? 0}</td>
                  <td>{policy.ackTimeout ? formatTimeSpan(policy.ackTimeout) : 'none'}</td>
                  <td data-testid="escalation-source">
                    {source}
                    {changed && <div className="card__subtitle">{changed}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      }}
    </QueryCard>
  );
}
