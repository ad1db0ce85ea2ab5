// Names for the experiments endpoints' answers, taken from the generated ./analytics-api.ts (never written by hand).
import type { components } from './analytics-api';

type Schemas = components['schemas'];

export type AbExperiment = Schemas['AbExperiment'];
export type AbExperimentResult = Schemas['AbExperimentResult'];
export type AbArm = Schemas['AbArm'];
export type EffectInterval = Schemas['EffectInterval'];
export type UpgradeReport = Schemas['UpgradeReport'];
export type FunctionImpact = Schemas['FunctionImpact'];
export type AbLatency = Schemas['AbLatency'];
export type CreateAbExperimentRequest = Schemas['CreateAbExperimentRequest'];
