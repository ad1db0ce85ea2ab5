import { Fragment, useState } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorCard } from '@/components/ui/error-card';
import { QueryCard } from '@/components/ui/query-card';
import { SegmentedControl } from '@/components/ui/segmented-control';
import { TableHead } from '@/components/ui/table-head';
import { hasRole, useCurrentUser } from '@/lib/session';
import type { Recommendation, RecommendationRun, RecommendationTarget } from '@/types/optimisation';
import { formatInteger, formatUnits, formatUtcDateTime, shortHash } from '@/utils/format';
import { useAcceptRecommendation } from '../api/accept-recommendation';
import { useDismissRecommendation } from '../api/dismiss-recommendation';
import { useRecommendations, type RecommendationsQuery } from '../api/get-recommendations';
import { explorerTxUrl } from '../utils/explorer';
import { STATES, type RecommendationState } from '../utils/recommendation-filters';

type StateFilterProps = { state: RecommendationState; onChange: (state: RecommendationState) => void };

/** The lifecycle state to list; it goes to the URL beside the shared filters (the contract filter names the target). */
export function RecommendationStateFilter({ state, onChange }: StateFilterProps) {
  return (
    <div className="filter-bar" data-testid="recommendation-filters">
      <SegmentedControl label="State" options={STATES.map((s) => ({ value: s, label: s }))} value={state} onChange={onChange} data-testid="filter-state" />
    </div>
  );
}

/** The recommendations for the filters, largest weekly fee saving first, and what the last evaluation could not look at. */
export function RecommendationsCard({ query }: { query: RecommendationsQuery }) {
  const result = useRecommendations(query);
  const user = useCurrentUser();
  const operator = hasRole(user, 'operator');
  return (
    <>
      <QueryCard
        title="Recommendations"
        subtitle="each with its evidence, the weekly saving and the formula it comes from"
        query={result}
        isEmpty={(list) => list.items.length === 0}
        empty="No recommendation for these filters."
        data-testid="recommendations"
      >
        {(list) => (
          <>
            {!operator && (
              <p className="notes" data-testid="recommendations-readonly">
                Operators accept and dismiss recommendations; you are signed in as a viewer.
              </p>
            )}
            {list.items.map((item) => (
              <RecommendationEntry key={item.id} item={item} operator={operator} />
            ))}
          </>
        )}
      </QueryCard>
      {result.data?.lastRun && <LastRunCard run={result.data.lastRun} />}
    </>
  );
}

function targetText(t: RecommendationTarget): string {
  const parts = [t.kind];
  if (t.contract) parts.push(t.contract);
  if (t.function ?? t.selector) parts.push(`${t.function ?? t.selector}`);
  if (t.event) parts.push(`event ${t.event}`);
  if (t.caller) parts.push(t.caller);
  return parts.join(' · ');
}

/** Fee in FRI (10⁻¹⁸ STRK), shown in STRK. */
const strk = (fri: number) => `${formatUnits(BigInt(Math.round(fri)).toString(), 18, 4)} STRK`;

function evidenceText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return value.toLocaleString('en-US', { maximumFractionDigits: 4 });
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
  return JSON.stringify(value);
}

function RecommendationEntry({ item, operator }: { item: Recommendation; operator: boolean }) {
  const evidence = item.evidence !== null && typeof item.evidence === 'object' ? Object.entries(item.evidence as Record<string, unknown>) : [];
  return (
    <article className="recommendation" data-testid="recommendation" data-rule={item.rule} data-status={item.status}>
      <h3 className="recommendation__title">
        <span className="badge">{item.rule}</span> {item.title}
      </h3>
      <dl className="facts">
        <dt>Target</dt>
        <dd className="mono">{targetText(item.target)}</dd>
        <dt>Saving a week</dt>
        <dd data-testid="recommendation-saving">
          {formatInteger(item.weeklyL2Gas)} L2 gas, {formatInteger(item.weeklyL1DataGas)} L1 data gas, {strk(item.weeklyFeeFri)}
        </dd>
        <dt>Formula</dt>
        <dd data-testid="recommendation-formula">{item.formula}</dd>
        <dt>Confidence</dt>
        <dd>{item.confidence}</dd>
        <dt>State</dt>
        <dd data-testid="recommendation-state">
          {item.status}
          {item.firing ? '' : ' (not found in the last window)'}
          {item.statusBy && ` — ${item.statusBy}${item.statusAt ? `, ${formatUtcDateTime(item.statusAt)}` : ''}`}
          {item.statusReason && `: ${item.statusReason}`}
        </dd>
        <dt>Window</dt>
        <dd>
          {formatUtcDateTime(item.windowFrom)} – {formatUtcDateTime(item.windowTo)} (first seen {formatUtcDateTime(item.firstSeen)})
        </dd>
        <dt>Evidence</dt>
        <dd>
          <dl className="facts" data-testid="recommendation-evidence">
            {evidence.map(([key, value]) => (
              <Fragment key={key}>
                <dt>{key}</dt>
                <dd>{evidenceText(value)}</dd>
              </Fragment>
            ))}
          </dl>
        </dd>
        <dt>Sample transactions</dt>
        <dd>
          {item.samples.length === 0
            ? '—'
            : item.samples.map((hash, i) => (
                <Fragment key={hash}>
                  {i > 0 && ', '}
                  <a className="mono" href={explorerTxUrl(hash)} target="_blank" rel="noreferrer" data-testid="recommendation-sample">
                    {shortHash(hash)}
                  </a>
                </Fragment>
              ))}
        </dd>
      </dl>
      {operator && <RecommendationActions item={item} />}
    </article>
  );
}

const ACCEPT_FROM = ['new', 'dismissed', 'regressed'];
const DISMISS_FROM = ['new', 'accepted', 'regressed'];

/** Accept (reason optional) and dismiss (reason required), each only from the states the API allows. */
function RecommendationActions({ item }: { item: Recommendation }) {
  const accept = useAcceptRecommendation(item.id);
  const dismiss = useDismissRecommendation(item.id);
  const [reason, setReason] = useState('');
  const busy = accept.isPending || dismiss.isPending;
  const error = accept.error ?? dismiss.error;
  const done = { onSuccess: () => setReason('') };
  return (
    <form className="filter-bar" aria-label="Recommendation actions" onSubmit={(e) => e.preventDefault()} data-testid="recommendation-actions">
      <label className="filter-bar__field">
        Reason
        <input type="text" value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} data-testid="recommendation-reason" />
      </label>
      <Button
        disabled={busy || !ACCEPT_FROM.includes(item.status)}
        onClick={() => accept.mutate({ reason: reason.trim() || null }, done)}
        data-testid="recommendation-accept"
      >
        Accept
      </Button>
      <Button
        variant="ghost"
        disabled={busy || !DISMISS_FROM.includes(item.status) || reason.trim() === ''}
        title="a reason is required"
        onClick={() => dismiss.mutate({ reason: reason.trim() }, done)}
        data-testid="recommendation-dismiss"
      >
        Dismiss
      </Button>
      {error && <ErrorCard error={error} />}
    </form>
  );
}

/** When the last evaluation ran, over which window, and which rules it could not run (or ran without some evidence). */
function LastRunCard({ run }: { run: RecommendationRun }) {
  return (
    <QueryCard
      title="Last evaluation"
      subtitle={`${formatUtcDateTime(run.ranAt)} over ${formatUtcDateTime(run.windowFrom)} – ${formatUtcDateTime(run.windowTo)}: ${run.findings} findings`}
      query={{ data: run, isError: false, error: null, refetch: () => undefined }}
      isEmpty={(r) => r.notEvaluated.length === 0}
      empty="Every rule ran with all its evidence."
      data-testid="recommendations-last-run"
    >
      {(r) => (
        <table className="table">
          <caption className="visually-hidden">Rules not evaluated</caption>
          <TableHead columns={['Rule', 'Not evaluated because']} />
          <tbody>
            {r.notEvaluated.map((n) => (
              <tr key={n.rule}>
                <td className="mono">{n.rule}</td>
                <td>{n.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </QueryCard>
  );
}
