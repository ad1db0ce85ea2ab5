import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { kpiBaseKey } from '@/lib/kpi-api';
import type { AbExperiment, AbExperimentResult, UpgradeReport } from '@/types/experiments';

// Under the KPI prefix: a committed block refreshes results like every other KPI (they are computed from the indexed calls).
const experimentsKey = [...kpiBaseKey, 'experiments'] as const;

/** GET /api/experiments/ab: the A/B experiments (archived ones hidden), newest start first. */
export function useAbExperiments() {
  return useQuery(
    queryOptions({
      queryKey: [...experimentsKey, 'ab'] as const,
      queryFn: ({ signal }) => api.get<AbExperiment[]>('/api/experiments/ab', { signal }),
    }),
  );
}

/** GET /api/experiments/ab/{id}/result: the plan with per-variant figures, the interval, SRM, guardrail and decision. */
export function useAbExperimentResult(id: string) {
  return useQuery(
    queryOptions({
      queryKey: [...experimentsKey, 'ab', id, 'result'] as const,
      queryFn: ({ signal }) => api.get<AbExperimentResult>(`/api/experiments/ab/${encodeURIComponent(id)}/result`, { signal }),
    }),
  );
}

/** GET /api/experiments/upgrades: every class replacement with its before/after per function. */
export function useUpgradeReports() {
  return useQuery(
    queryOptions({
      queryKey: [...experimentsKey, 'upgrades'] as const,
      queryFn: ({ signal }) => api.get<UpgradeReport[]>('/api/experiments/upgrades', { signal }),
    }),
  );
}
