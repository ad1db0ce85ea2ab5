import { ErrorCard } from '@/components/ui/error-card';
import { KpiCard } from '@/components/ui/kpi-card';
import { WAITING_FOR_FIRST_BLOCK } from '@/components/ui/empty-state';
import { formatAge } from '@/utils/format';
import { useLatestBlock } from '../api/get-latest-block';

export function LatestBlockKpi({ refetchInterval = false }: { refetchInterval?: number | false }) {
  const query = useLatestBlock({ refetchInterval });
  const block = query.data;

  if (query.isError && block === undefined) {
    return (
      <div className="kpis__error">
        <ErrorCard error={query.error} onRetry={() => void query.refetch()} />
      </div>
    );
  }

  return (
    <KpiCard
      label="Latest block"
      valueTestId="latest-block"
      loading={query.isPending}
      value={block ? String(block.blockNumber) : '—'}
      hint={block ? `${block.transactionCount} txs · ${formatAge(block.timestamp)}` : WAITING_FOR_FIRST_BLOCK}
    />
  );
}
