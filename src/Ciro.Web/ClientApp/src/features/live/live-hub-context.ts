import { createContext, useContext } from 'react';
import type { BlockCommitted, JobsActivity, Reorg } from '@/types/api';

/** What the header pill shows: "live" only while the hub is connected. */
export type LiveStatus = 'live' | 'reconnecting' | 'offline';

export type ReorgNotice = Reorg & { receivedAt: number };

/** Callbacks for hub messages; the app layer wires them to the query cache. */
export type LiveHubHandlers = {
  onJobsActivity?: (activity: JobsActivity) => void;
  onBlockCommitted?: (range: BlockCommitted) => void;
  onReorg?: (reorg: Reorg) => void;
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
