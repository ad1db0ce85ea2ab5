import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** GET /auth/providers (anonymous): the password form always; single sign-on when the server has a provider. */
export type SignInProviders = { password: boolean; oidc: { displayName: string; loginPath: string } | null };

export const getSignInProvidersQueryOptions = () =>
  queryOptions({
    queryKey: ['auth', 'providers'] as const,
    queryFn: ({ signal }) => api.get<SignInProviders>('/auth/providers', { signal }),
    staleTime: Infinity,
    retry: false,
  });

export const useSignInProviders = () => useQuery(getSignInProvidersQueryOptions());

/** Where the single-sign-on link goes: the server starts the provider's flow and comes back to `next`. */
export function ssoHref(loginPath: string, next: string): string {
  return `${loginPath}?returnUrl=${encodeURIComponent(next)}`;
}
