// Names for the optimisation answers of the analytics API (recommendations, weekly reports), all taken from the
// generated ./analytics-api.ts (never written by hand).
import type { components } from './analytics-api';

type Schemas = components['schemas'];

export type Recommendation = Schemas['Recommendation'];
export type RecommendationList = Schemas['RecommendationList'];
export type RecommendationRun = Schemas['RecommendationRun'];
export type RecommendationTarget = Schemas['RecommendationTarget'];
export type StatusChange = Schemas['StatusChange'];
export type ReportSummary = Schemas['ReportSummary'];
