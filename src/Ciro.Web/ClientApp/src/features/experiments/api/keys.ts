import { kpiBaseKey } from '@/lib/kpi-api';

/** Every experiments query, under the KPI prefix: a committed block refreshes results like every other KPI (they are
 * computed from the indexed calls), and creating or stopping an experiment invalidates them together. */
export const experimentsKey = [...kpiBaseKey, 'experiments'] as const;
