import type { HubConnection } from '@microsoft/signalr';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { env } from '@/config/env';
import { createHubConnection, retryDelay } from '@/lib/signalr';
import type { JobsActivity } from '@/types/api';
import { hubMethods, type HubMessages } from '@/types/messages';
import { LiveHubContext, type LiveHubHandlers, type LiveStatus, type ReorgNotice } from './live-hub-context';

type LiveHubProviderProps = {
  handlers: LiveHubHandlers;
  children: ReactNode;
  hubUrl?: string;
  connect?: (url: string) => HubConnection;
};

/**
 * Owns the one connection to /hubs/activity. SignalR's automatic reconnect covers drops after a successful
 * start; the first start is retried here, because SignalR doesn't retry a failed start.
 */
export function LiveHubProvider({ handlers, children, hubUrl = env.HUB_URL, connect = createHubConnection }: LiveHubProviderProps) {
  const [status, setStatus] = useState<LiveStatus>('reconnecting');
  const [reorg, setReorg] = useState<ReorgNotice | null>(null);
  const handlersRef = useRef(handlers);
  useEffect(() => {
    handlersRef.current = handlers;
  }, [handlers]);

  useEffect(() => {
    const connection = connect(hubUrl);
    let disposed = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    // Payload types come from the method (types/messages.ts, generated from the C# records).
    function on<M extends keyof HubMessages>(method: M, handle: (message: HubMessages[M]) => void) {
      connection.on(method, handle);
    }
    connection.on('jobsActivity', (activity: JobsActivity) => handlersRef.current.onJobsActivity?.(activity));
    on(hubMethods.blocksCommitted, (blocks) => handlersRef.current.onBlocksCommitted?.(blocks));
    on(hubMethods.reorg, (reorg) => {
      setReorg({ ...reorg, receivedAt: Date.now() });
      handlersRef.current.onReorg?.(reorg);
    });
    on(hubMethods.resync, (resync) => handlersRef.current.onResync?.(resync));
    on(hubMethods.incidentChanged, (incident) => handlersRef.current.onIncidentChanged?.(incident));
    on(hubMethods.kpiInvalidated, (kpi) => handlersRef.current.onKpiInvalidated?.(kpi));
    connection.onreconnecting(() => setStatus('reconnecting'));
    connection.onreconnected(() => {
      setStatus('live');
      handlersRef.current.onReconnected?.();
    });
    connection.onclose(() => {
      if (disposed) return;
      setStatus('offline');
      retryTimer = setTimeout(() => void start(1), retryDelay(1));
    });

    async function start(attempt: number): Promise<void> {
      if (disposed) return;
      setStatus('reconnecting');
      try {
        await connection.start();
        if (disposed) return;
        setStatus('live');
        if (attempt > 0) handlersRef.current.onReconnected?.();
      } catch {
        if (disposed) return;
        setStatus('offline');
        retryTimer = setTimeout(() => void start(attempt + 1), retryDelay(attempt + 1));
      }
    }

    void start(0);
    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      void connection.stop();
    };
  }, [connect, hubUrl]);

  const dismissReorg = useCallback(() => setReorg(null), []);
  const value = useMemo(() => ({ status, reorg, dismissReorg }), [status, reorg, dismissReorg]);
  return <LiveHubContext.Provider value={value}>{children}</LiveHubContext.Provider>;
}
