import { createContext, useContext } from 'react';
import type { JobsActivity } from '@/types/api';
import type { BlocksCommitted, IncidentChanged, KpiInvalidated, Reorg, Resync } from '@/types/messages';

/** What the header pill shows: "live" only while the hub is connected. */
export type LiveStatus = 'live' | 'reconnecting' | 'offline';

export type ReorgNotice = Reorg & { receivedAt: number };

/** Callbacks for hub messages; the app layer wires them to the query cache. */
export type LiveHubHandlers = {
  onJobsActivity?: (activity: JobsActivity) => void;
  onBlocksCommitted?: (blocks: BlocksCommitted) => void;
  onReorg?: (reorg: Reorg) => void;
  /** The server lost or could not read notifications: refetch everything. */
  onResync?: (resync: Resync) => void;
  onIncidentChanged?: (incident: IncidentChanged) => void;
  onKpiInvalidated?: (kpi: KpiInvalidated) => void;
  /** After a gap in the connection: pushes may have been missed. */
  onReconnected?: () => void;
};

export type LiveHubState = {
  status: LiveStatus;
  reorg: ReorgNotice | null;
  dismissReorg: () => void;
};

export const LiveHubContext = createContext<LiveHubState | null>(null);

export function useLiveHub(): LiveHubState {
  const state = useContext(LiveHubContext);
  if (state === null) throw new Error('useLiveHub must be used inside <LiveHubProvider>');
  return state;
}
