import { useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorCard } from '@/components/ui/error-card';
import { paths } from '@/config/paths';
import { setUnauthorizedHandler } from '@/lib/api-client';
import { SessionContext } from '@/lib/session';
import { sessionQueryKey, useSession } from '../api/session';
import './login.css';

/**
 * Renders its children only for a signed-in user, and sends everyone else to the sign-in page with the current
 * address to come back to. A 401 from any later API call (the session expired or was ended elsewhere) clears the
 * session, which lands here again.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();

  useEffect(() => setUnauthorizedHandler(() => queryClient.setQueryData(sessionQueryKey, null)), [queryClient]);

  if (session.isPending) {
    return <p className="session-check">Checking your session…</p>;
  }
  if (session.isError) {
    return (
      <div className="session-check">
        <ErrorCard error={session.error} onRetry={() => void session.refetch()} />
      </div>
    );
  }
  if (!session.data) {
    return <Navigate to={paths.login.getHref(location.pathname + location.search)} replace />;
  }
  return <SessionContext.Provider value={session.data}>{children}</SessionContext.Provider>;
}
