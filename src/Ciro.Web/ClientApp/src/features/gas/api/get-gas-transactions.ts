import { useQuery } from '@tanstack/react-query';
import { kpiQueryOptions } from '@/lib/kpi-api';
import type { GasTxRow, KpiQuery } from '@/types/kpi';
import { GAS_PATH } from './get-gas';

/** GET /api/kpi/gas?bucket=raw: the transactions behind a contract function, newest first, paged by the server. */
export function getGasTransactionsQueryOptions(query: KpiQuery) {
  return kpiQueryOptions<GasTxRow>(GAS_PATH, { ...query, bucket: 'raw' });
}

export function useGasTransactions(query: KpiQuery, enabled: boolean) {
  return useQuery({ ...getGasTransactionsQueryOptions(query), enabled });
}
