import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { parseKpiFilters, writeKpiFilters, type KpiFilters } from '@/lib/kpi-filters';

/** The shared filters, read from and written to the URL (pushes history, so Back undoes a filter change). */
export function useKpiFilters(): [KpiFilters, (patch: Partial<KpiFilters>) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const key = searchParams.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the string is the identity of the params
  const filters = useMemo(() => parseKpiFilters(searchParams), [key]);
  const setFilters = useCallback(
    (patch: Partial<KpiFilters>) => setSearchParams((current) => writeKpiFilters(current, patch)),
    [setSearchParams],
  );
  return [filters, setFilters];
}
