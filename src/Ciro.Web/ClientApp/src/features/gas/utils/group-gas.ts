import type { GasRow } from '@/types/kpi';

/** One contract function over the whole range: the API's bucket rows (both call shapes) added up. */
export type FunctionGas = {
  contract: string;
  function: string;
  txCount: number;
  l2Gas: number;
  l1DataGas: number;
  l1Gas: number;
  /** Decimal strings, summed with BigInt. */
  feeFri: string;
  feeWei: string;
  /** This function's sum of the chosen metric over the sum of every function's (attributed, see the API note). */
  share: number | null;
};

const METRIC_VALUE: Record<string, (r: GasRow) => bigint> = {
  l2_gas: (r) => BigInt(r.l2Gas),
  l1_gas: (r) => BigInt(r.l1Gas),
  l1_data_gas: (r) => BigInt(r.l1DataGas),
  fee_fri: (r) => BigInt(r.feeFri),
  fee_wei: (r) => BigInt(r.feeWei),
};

/** Groups bucket rows by contract → function, largest consumer of `metric` first. */
export function groupByFunction(rows: readonly GasRow[], metric: string): FunctionGas[] {
  const value = METRIC_VALUE[metric] ?? METRIC_VALUE.l2_gas!;
  const groups = new Map<string, { row: FunctionGas; fri: bigint; wei: bigint; metric: bigint }>();
  let total = 0n;
  for (const r of rows) {
    const key = `${r.contract}/${r.function}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        row: { contract: r.contract, function: r.function, txCount: 0, l2Gas: 0, l1DataGas: 0, l1Gas: 0, feeFri: '0', feeWei: '0', share: null },
        fri: 0n,
        wei: 0n,
        metric: 0n,
      };
      groups.set(key, group);
    }
    group.row.txCount += r.txCount;
    group.row.l2Gas += r.l2Gas;
    group.row.l1DataGas += r.l1DataGas;
    group.row.l1Gas += r.l1Gas;
    group.fri += BigInt(r.feeFri);
    group.wei += BigInt(r.feeWei);
    const v = value(r);
    group.metric += v;
    total += v;
  }
  return [...groups.values()]
    .map((g) => ({
      ...g.row,
      feeFri: g.fri.toString(),
      feeWei: g.wei.toString(),
      // Six decimals is what the API's own shares carry.
      share: total === 0n ? null : Number((g.metric * 1_000_000n) / total) / 1_000_000,
    }))
    .sort((a, b) => (b.share ?? 0) - (a.share ?? 0) || a.function.localeCompare(b.function));
}
