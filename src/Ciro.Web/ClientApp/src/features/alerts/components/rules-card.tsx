import { Button } from '@/components/ui/button';
import { ErrorCard } from '@/components/ui/error-card';
import { QueryCard } from '@/components/ui/query-card';
import { TableHead } from '@/components/ui/table-head';
import { hasRole, useCurrentUser } from '@/lib/session';
import type { AlertRule } from '@/types/alerts';
import { useRules } from '../api/get-rules';
import { useSetRuleEnabled } from '../api/rule-actions';
import { formatTimeSpan } from '../utils/time-span';

/** Where a rule looks: its function, contract and metric (the series labels it adds come per evaluation). */
function scopeOf(rule: AlertRule): string {
  return [rule.function && `function ${rule.function}`, rule.contract && `contract ${rule.contract}`, `metric ${rule.metric}`]
    .filter(Boolean)
    .join(', ');
}

function conditionOf(rule: AlertRule): string {
  const baseline = rule.baseline ? ` × its last ${formatTimeSpan(rule.baseline)}` : '';
  return `≥ ${rule.threshold}${baseline} over ${formatTimeSpan(rule.window)}; resolves ≤ ${rule.recovery}`;
}

/**
 * The rules that run — the rule files' (read-only everywhere) and those created through the API — with the problems
 * of the rules left out. Admins enable and disable the API rules; everyone else reads.
 */
export function RulesCard() {
  const user = useCurrentUser();
  const admin = hasRole(user, 'admin');
  const result = useRules();
  const setEnabled = useSetRuleEnabled();
  return (
    <QueryCard
      title="Rules"
      subtitle={result.data ? `${result.data.rules.length} rules, ${result.data.errors.length} left out (rule files in ${result.data.folder})` : undefined}
      data-testid="alerts-rules"
      query={result}
      isEmpty={(list) => list.rules.length === 0 && list.errors.length === 0}
      empty="No rules: add rule files or create rules through the API"
    >
      {(list) => (
        <>
          {!admin && (
            <p className="notes" data-testid="rules-readonly">
              Read-only: admins enable and disable the rules created through the API; rule files change in their folder.
            </p>
          )}
          <table className="table" data-testid="rules-table">
            <caption className="visually-hidden">Alert rules</caption>
            <TableHead columns={['Rule', 'Kind', 'Severity', 'Scope', 'Condition', 'Source', 'State', '']} />
            <tbody>
              {list.rules.map((rule) => {
                const enabled = rule.enabled ?? true;
                return (
                  <tr key={rule.id} data-testid="rule">
                    <td>
                      <span className="mono">{rule.id}</span>
                      {rule.description && <div className="card__subtitle">{rule.description}</div>}
                    </td>
                    <td>{rule.kindText ?? rule.kind}</td>
                    <td>
                      <span className={`badge badge--${rule.severity ?? 'warning'}`}>{rule.severity ?? 'warning'}</span>
                    </td>
                    <td>{scopeOf(rule)}</td>
                    <td className="mono">{conditionOf(rule)}</td>
                    <td className="mono" data-testid="rule-source">
                      {rule.source}
                    </td>
                    <td data-testid="rule-state">{enabled ? 'enabled' : 'disabled'}</td>
                    <td>
                      {admin && rule.source === 'api' && (
                        <Button
                          variant="ghost"
                          disabled={setEnabled.isPending}
                          onClick={() => setEnabled.mutate({ id: rule.id, enabled: !enabled })}
                          aria-label={`${enabled ? 'Disable' : 'Enable'} ${rule.id}`}
                          data-testid="rule-toggle"
                        >
                          {enabled ? 'Disable' : 'Enable'}
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {list.errors.length > 0 && (
            <>
              <h3>Left out</h3>
              <ul data-testid="rule-problems">
                {list.errors.map((error, i) => (
                  <li key={`${error.file}-${error.rule ?? ''}-${i}`} className="mono">
                    {error.message.startsWith(`${error.file}:`) ? error.message : `${error.file}: ${error.message}`}
                  </li>
                ))}
              </ul>
            </>
          )}
          {setEnabled.error && <ErrorCard error={setEnabled.error} />}
        </>
      )}
    </QueryCard>
  );
}
