import { createContext, useContext } from 'react';

// Shared (not in features/auth) because every feature may ask who is signed in, e.g. to hide an operator's
// button from a viewer; features cannot import each other. The server enforces roles regardless (403).

export type Role = 'viewer' | 'operator' | 'admin';

/** The signed-in user as GET /auth/session and POST /auth/login return it. */
export type Session = { userName: string; role: Role; antiforgeryToken: string };

const level: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** admin ⊇ operator ⊇ viewer, as on the server. */
export function hasRole(session: Session | null, role: Role): boolean {
  return session !== null && level[session.role] >= level[role];
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in user inside the app's protected routes; null outside them (e.g. in a component test). */
export function useCurrentUser(): Session | null {
  return useContext(SessionContext);
}
