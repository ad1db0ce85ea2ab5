import { useLiveHub } from '../live-hub-context';

const DESCRIPTIONS = {
  live: 'Connected to the activity hub: updates arrive as blocks are indexed',
  reconnecting: 'Connecting to the activity hub; the page polls the API meanwhile',
  offline: 'The activity hub is unreachable; the page polls the API and keeps retrying',
} as const;

export function LiveStatusPill() {
  const { status } = useLiveHub();
  return (
    <span className={`pill pill--${status}`} title={DESCRIPTIONS[status]} role="status">
      <span className="pill__dot" aria-hidden="true" />
      <span data-testid="live-status">{status}</span>
    </span>
  );
}
