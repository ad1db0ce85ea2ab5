import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setAntiforgeryToken } from '@/lib/api-client';
import type { Session } from '@/lib/session';

export const sessionQueryKey = ['session'] as const;

/** The current session, or null when there is none (401). */
export async function getSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    const session = await api.get<Session>('/auth/session', { signal });
    setAntiforgeryToken(session.antiforgeryToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setAntiforgeryToken(undefined);
      return null;
    }
    throw error;
  }
}

export const getSessionQueryOptions = () =>
  queryOptions({ queryKey: sessionQueryKey, queryFn: ({ signal }) => getSession(signal), staleTime: Infinity, retry: false });

export const useSession = () => useQuery(getSessionQueryOptions());

export type Credentials = { userName: string; password: string };

export async function signIn(credentials: Credentials): Promise<Session> {
  const session = await api.post<Session>('/auth/login', credentials);
  setAntiforgeryToken(session.antiforgeryToken);
  return session;
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: signIn, onSuccess: (session) => queryClient.setQueryData(sessionQueryKey, session) });
}

/** Ends the session on the server, then forgets every cached answer (they belonged to that user). */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/auth/logout'),
    onSettled: () => {
      setAntiforgeryToken(undefined);
      // The session query is set, not removed: its observer (RequireSession) must see the change to redirect.
      queryClient.setQueryData(sessionQueryKey, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
    },
  });
}
