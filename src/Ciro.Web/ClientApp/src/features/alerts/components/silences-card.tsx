import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorCard } from '@/components/ui/error-card';
import { TableHead } from '@/components/ui/table-head';
import { hasRole, useCurrentUser } from '@/lib/session';
import type { Silence } from '@/types/alerts';
import { formatUtcDateTime } from '@/utils/format';
import { useCreateSilence, useExpireSilence, useSilences } from '../api/silences';
import { formatMatchers, parseMatchers } from '../utils/matchers';

const DURATIONS = [
  { value: 1, label: '1 h' },
  { value: 4, label: '4 h' },
  { value: 24, label: '24 h' },
  { value: 24 * 7, label: '7 d' },
] as const;

function stateOf(silence: Silence, now: number): 'pending' | 'active' | 'expired' {
  return now < Date.parse(silence.startsAt) ? 'pending' : now < Date.parse(silence.endsAt) ? 'active' : 'expired';
}

/** Silences: who muted what until when and why; operators create them and end them early. */
export function SilencesCard() {
  const user = useCurrentUser();
  const operator = hasRole(user, 'operator');
  const [showExpired, setShowExpired] = useState(false);
  const result = useSilences(showExpired);
  const expire = useExpireSilence();
  // Pending/active/expired as of the list's last load (it reloads on every change and on focus).
  const now = result.dataUpdatedAt;
  const rows = result.data ?? [];
  return (
    <Card
      title="Silences"
      subtitle="matching incidents open but notify no one"
      actions={
        <label className="checkbox-field">
          <input type="checkbox" checked={showExpired} onChange={(e) => setShowExpired(e.target.checked)} data-testid="silences-expired" /> show ended
        </label>
      }
      data-testid="alerts-silences"
    >
      {operator && <CreateSilenceForm />}
      {result.isError && !result.data ? (
        <ErrorCard error={result.error} onRetry={() => void result.refetch()} />
      ) : result.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <EmptyState>No silences</EmptyState>
      ) : (
        <table className="table" data-testid="silences-table">
          <caption className="visually-hidden">Silences</caption>
          <TableHead columns={['Matchers', 'State', 'Starts (UTC)', 'Ends (UTC)', 'Author', 'Comment', '']} />
          <tbody>
            {rows.map((silence) => {
              const state = stateOf(silence, now);
              return (
                <tr key={silence.id} data-testid="silence">
                  <td className="mono">{formatMatchers(silence.matchers)}</td>
                  <td data-testid="silence-state">{state}</td>
                  <td className="mono">{formatUtcDateTime(silence.startsAt)}</td>
                  <td className="mono">{formatUtcDateTime(silence.endsAt)}</td>
                  <td>{silence.author}</td>
                  <td>{silence.comment}</td>
                  <td>
                    {operator && state !== 'expired' && (
                      <Button variant="ghost" disabled={expire.isPending} onClick={() => expire.mutate(silence.id)} data-testid="silence-expire">
                        Expire
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {expire.error && <ErrorCard error={expire.error} />}
    </Card>
  );
}

function CreateSilenceForm() {
  const create = useCreateSilence();
  const [matchers, setMatchers] = useState('');
  const [hours, setHours] = useState<number>(DURATIONS[0].value);
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseMatchers(matchers);
    if (parsed.error !== undefined) {
      setProblem(`Matchers: ${parsed.error}`);
      return;
    }
    setProblem(undefined);
    create.mutate(
      { matchers: parsed.matchers, startsAt: null, endsAt: new Date(Date.now() + hours * 3_600_000).toISOString(), comment },
      {
        onSuccess: () => {
          setMatchers('');
          setComment('');
        },
      },
    );
  };
  return (
    <form className="filter-bar" aria-label="New silence" onSubmit={submit} data-testid="silence-form">
      <label className="filter-bar__field">
        Matchers
        <input
          type="text"
          value={matchers}
          placeholder="rule=gas-spike, contract=~0x04.*"
          onChange={(e) => setMatchers(e.target.value)}
          spellCheck={false}
          data-testid="silence-matchers"
        />
      </label>
      <label className="filter-bar__field">
        For
        <select value={hours} onChange={(e) => setHours(Number(e.target.value))} data-testid="silence-duration">
          {DURATIONS.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <label className="filter-bar__field">
        Why
        <input type="text" value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} data-testid="silence-comment" />
      </label>
      <Button type="submit" disabled={create.isPending} data-testid="silence-create">
        Silence
      </Button>
      {problem && (
        <p className="text-danger" role="alert">
          {problem}
        </p>
      )}
      {create.error && <ErrorCard error={create.error} />}
    </form>
  );
}
