import { Button } from '@/components/ui/button';
import { useCurrentUser } from '@/lib/session';
import { useSignOut } from '../api/session';

/** Who is signed in, with which role, and the way out. */
export function UserMenu() {
  const user = useCurrentUser();
  const signOut = useSignOut();
  if (!user) return null;
  return (
    <span className="user-menu" data-testid="user-menu">
      <span>
        <span className="user-menu__name">{user.userName}</span> · {user.role}
      </span>
      <Button variant="ghost" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        Sign out
      </Button>
    </span>
  );
}
