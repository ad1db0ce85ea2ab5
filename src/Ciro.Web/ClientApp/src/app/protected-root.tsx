import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Outlet } from 'react-router';
import { RequireSession } from '@/features/auth/components/require-session';
import { LiveHubProvider } from '@/features/live/live-hub-provider';
import { createLiveHandlers } from './live-handlers';

/** Every route but the sign-in page: a session first, then the live hub (it refuses anonymous connections). */
export function ProtectedRoot() {
  const queryClient = useQueryClient();
  const handlers = useMemo(() => createLiveHandlers(queryClient), [queryClient]);
  return (
    <RequireSession>
      <LiveHubProvider handlers={handlers}>
        <Outlet />
      </LiveHubProvider>
    </RequireSession>
  );
}
