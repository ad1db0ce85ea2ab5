// Names for the alerts API's answers and requests, all taken from the generated ./alerts-api.ts (never written by hand).
import type { components } from './alerts-api';

type Schemas = components['schemas'];

export type AlertIncident = Schemas['Incident'];
export type TimelineEntry = Schemas['TimelineEntry'];
export type IncidentStats = Schemas['IncidentStats'];
export type Silence = Schemas['Silence'];
export type LabelMatcher = Schemas['LabelMatcher'];
export type SilenceRequest = Schemas['SilenceRequest'];
export type AckRequest = Schemas['AckRequest'];
export type ResolveRequest = Schemas['ResolveRequest'];
export type AlertRule = Schemas['AlertRule'];
export type RuleFileError = Schemas['RuleFileError'];
export type RuleList = Schemas['RuleListView'];
export type StoredRuleView = Schemas['StoredRuleView'];
export type EscalationPolicy = Schemas['EscalationPolicy'];
export type StoredPolicy = Schemas['StoredPolicy'];
export type PolicyList = Schemas['PolicyListView'];
