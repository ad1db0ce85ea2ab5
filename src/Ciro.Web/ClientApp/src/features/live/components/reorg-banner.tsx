import { Button } from '@/components/ui/button';
import { useLiveHub } from '../live-hub-context';

export function ReorgBanner() {
  const { reorg, dismissReorg } = useLiveHub();
  if (!reorg) return null;
  return (
    <div className="banner" role="alert" data-testid="reorg-banner">
      {reorg.reason === 'reindex' ? (
        <span>Reindex: blocks from {reorg.fromBlock} on are being indexed again. Figures were reloaded.</span>
      ) : (
        <span>
          Chain reorganisation: {reorg.depth} block{reorg.depth === 1 ? '' : 's'} replaced from block {reorg.fromBlock}. Figures
          were reloaded.
        </span>
      )}
      <Button variant="ghost" onClick={dismissReorg} aria-label="Dismiss reorg notice">
        Dismiss
      </Button>
    </div>
  );
}
