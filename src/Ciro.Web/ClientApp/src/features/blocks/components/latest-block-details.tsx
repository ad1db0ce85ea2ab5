import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorCard } from '@/components/ui/error-card';
import { formatInteger, formatRawAmount, formatUnits, formatUtcDateTime, shortHash } from '@/utils/format';
import { useLatestBlock } from '../api/get-latest-block';
import { feeUnit } from '../utils/fee-units';

export function LatestBlockDetails({ refetchInterval = false }: { refetchInterval?: number | false }) {
  const query = useLatestBlock({ refetchInterval });
  const block = query.data;

  return (
    <Card title="Latest block" subtitle={block ? formatUtcDateTime(block.timestamp) : undefined} data-testid="block-details">
      {query.isError && block === undefined ? (
        <ErrorCard error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <p className="loading">Loading…</p>
      ) : !block ? (
        <EmptyState />
      ) : (
        <dl className="facts">
          <dt>Number</dt>
          <dd className="mono">{block.blockNumber}</dd>
          <dt>Hash</dt>
          <dd className="mono" title={block.blockHash}>
            {shortHash(block.blockHash, 10)}
          </dd>
          <dt>Transactions</dt>
          <dd>
            {formatInteger(block.transactionCount)}
            {block.revertedCount > 0 && <span className="text-danger"> ({formatInteger(block.revertedCount)} reverted)</span>}
          </dd>
          <dt>Events</dt>
          <dd>{formatInteger(block.eventCount)}</dd>
          {Object.entries(block.feesByUnit).map(([unit, amount]) => {
            const { symbol, decimals } = feeUnit(unit);
            return [
              <dt key={`${unit}-label`}>Fees ({unit})</dt>,
              <dd key={`${unit}-value`} className="mono" title={`${formatRawAmount(amount)} ${unit}`} data-testid={`fees-${unit}`}>
                {formatUnits(amount, decimals)} {symbol}
              </dd>,
            ];
          })}
          <dt>L1 gas</dt>
          <dd className="mono">{formatInteger(block.l1Gas)}</dd>
          <dt>L1 data gas</dt>
          <dd className="mono">{formatInteger(block.l1DataGas)}</dd>
          <dt>L2 gas</dt>
          <dd className="mono">{formatInteger(block.l2Gas)}</dd>
        </dl>
      )}
    </Card>
  );
}
