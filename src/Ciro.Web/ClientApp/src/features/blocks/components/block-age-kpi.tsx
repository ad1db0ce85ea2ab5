import { KpiCard } from '@/components/ui/kpi-card';
import { WAITING_FOR_FIRST_BLOCK } from '@/components/ui/empty-state';
import { useNow } from '@/hooks/use-now';
import { formatAge } from '@/utils/format';
import { useLatestBlock } from '../api/get-latest-block';

/** Starknet seals a block every few seconds: a minute without one means the data on this page is stale
 * (stopped indexer, halted pipeline, a node that stopped), whatever the connection pill says. */
export const STALE_BLOCK_SECONDS = 60;

/** How old the newest block is, ticking every second, so a frozen pipeline shows as a growing number. */
export function BlockAgeKpi({ refetchInterval = false }: { refetchInterval?: number | false }) {
  const query = useLatestBlock({ refetchInterval });
  const now = useNow();
  const block = query.data;
  const ageSeconds = block ? Math.max(0, (now - Date.parse(block.timestamp)) / 1000) : null;
  const stale = ageSeconds !== null && ageSeconds > STALE_BLOCK_SECONDS;

  return (
    <KpiCard
      label="Newest block age"
      valueTestId="newest-block-age"
      tone={stale ? 'warning' : 'default'}
      loading={query.isPending}
      value={block ? formatAge(block.timestamp, now) : '—'}
      hint={
        !block ? (
          WAITING_FOR_FIRST_BLOCK
        ) : stale ? (
          <span data-testid="stale-warning" role="status">
            Stale: no new block for over {STALE_BLOCK_SECONDS} s
          </span>
        ) : (
          `block ${block.blockNumber}`
        )
      }
    />
  );
}
