// Names for the analytics API's answers, all taken from the generated ./analytics-api.ts (never written by hand).
import type { components } from './analytics-api';

type Schemas = components['schemas'];
type ItemOf<Page extends { items: unknown[] }> = Page['items'][number];

/** Every KPI table answer: one page of rows, the range and bucket actually used, and notes on definitions. */
export type TablePage<Row> = Omit<Schemas['TablePageOfGasTxRow'], 'items'> & { items: Row[] };

export type GasRow = ItemOf<Schemas['TablePageOfGasRow']>;
export type GasTxRow = Schemas['GasTxRow'];
export type NetworkRow = ItemOf<Schemas['TablePageOfNetworkRow']>;
export type BlockRow = Schemas['BlockRow'];
export type InclusionRow = Schemas['InclusionRow'];
export type JobStageRow = ItemOf<Schemas['TablePageOfJobStageRow']>;
export type JobRow = Schemas['JobRow'];
export type WorkerRow = ItemOf<Schemas['TablePageOfWorkerRow']>;
export type LeaderboardRow = Schemas['LeaderboardRow'];
export type UsageRow = Schemas['UsageRow'];
export type BusyHourRow = Schemas['BusyHourRow'];
export type AnomalyRow = Schemas['AnomalyRow'];
export type PipelineStatus = Schemas['PipelineStatus'];
export type CallsReport = Schemas['CallsReport'];
export type CallRow = Schemas['CallRow'];
export type WorkersReport = Schemas['WorkersReport'];
export type OnchainWorkerRow = Schemas['WorkerRow'];
export type Estimate = Schemas['Estimate'];
export type JobTimingReport = Schemas['JobTimingReport'];
export type ClassChange = Schemas['ClassChange'];
export type ClassChangesReport = Schemas['ClassChangesReport'];

/** Query parameters shared by every /api/kpi endpoint (KpiParameters in Ciro.Analytics). */
export type KpiQuery = {
  from?: string;
  to?: string;
  bucket?: 'raw' | 'hour' | 'day' | 'week' | 'auto';
  contract?: string;
  function?: string;
  worker?: string;
  metric?: string;
  page?: number;
  pageSize?: number;
};
