// Generated from src/Ciro.Messages by tests/Ciro.Messages.Tests (TypeScriptEmitter): do not edit.
// After changing a message: CIRO_WRITE_MESSAGES_TS=1 dotnet test tests/Ciro.Messages.Tests, then fix what tsc finds.

/** The indexer committed blocks from..to (inclusive) in one transaction. */
export type BlocksCommitted = {
  /** First block of the batch. */
  from: number;
  /** Last block of the batch: the new indexed head. */
  to: number;
  /** Chain timestamp of block to (ISO-8601, UTC). */
  headTime: string;
};

/** Stored blocks from fromBlock on were deleted: replaced by another branch, or dropped for a reindex. Every figure that includes them may have changed. */
export type Reorg = {
  /** Lowest block deleted. */
  fromBlock: number;
  /** How many stored blocks the reorg replaced (0 for a reindex). */
  depth: number;
  /** Why the blocks were deleted. */
  reason: ReorgReason;
};

/** Notifications may have been lost or unreadable: refetch everything. */
export type Resync = {
  /** What made the relay send it. */
  reason: ResyncReason;
};

/** An incident was opened or changed state. */
export type IncidentChanged = {
  /** The incident (stable across its states). */
  incidentId: string;
  /** Its state after the change. */
  state: IncidentState;
  /** Its severity. */
  severity: IncidentSeverity;
  /** Name of the rule that raised it. */
  rule: string;
  /** The rule's labels (contract, function, worker…): at most 16, keys at most 32 characters, values at most 80, so the largest message stays within PostgreSQL's NOTIFY limit. */
  labels: Record<string, string>;
  /** When the change happened (ISO-8601, UTC). */
  at: string;
};

/** KPIs of one family over [from, to) were recomputed: views showing that range should refetch. */
export type KpiInvalidated = {
  /** Which KPIs (the /api/kpi/{family} routes of the analytics API). */
  family: KpiFamily;
  /** Start of the recomputed range (inclusive, ISO-8601, UTC). */
  from: string;
  /** End of the recomputed range (exclusive, ISO-8601, UTC). */
  to: string;
};

/** Why stored blocks were deleted. */
export type ReorgReason = 'reorg' | 'reindex';

/** What made the relay ask consumers to refetch everything. */
export type ResyncReason = 'reconnected' | 'requested' | 'unreadableNotification' | 'dropped';

/** Where an incident is in its lifecycle. */
export type IncidentState = 'firing' | 'acknowledged' | 'resolved';

/** How urgent an incident is. */
export type IncidentSeverity = 'critical' | 'warning' | 'info';

/** A family of KPIs, named as its analytics API route. */
export type KpiFamily = 'gas' | 'network' | 'timing' | 'workers' | 'usage';

/** The SignalR method on /hubs/activity that carries each message. */
export const hubMethods = {
  blocksCommitted: 'blockCommitted',
  reorg: 'reorg',
  resync: 'resync',
  incidentChanged: 'incidentChanged',
  kpiInvalidated: 'kpiInvalidated',
} as const;

/** The message each hub method carries. */
export type HubMessages = {
  blockCommitted: BlocksCommitted;
  reorg: Reorg;
  resync: Resync;
  incidentChanged: IncidentChanged;
  kpiInvalidated: KpiInvalidated;
};
