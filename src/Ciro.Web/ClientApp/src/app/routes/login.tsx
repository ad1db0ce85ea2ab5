import { useNavigate, useSearchParams } from 'react-router';
import { safeNext } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/login-form';

export function LoginRoute() {
  const navigate = useNavigate();
  const [search] = useSearchParams();
  return (
    <main className="login-page">
      <LoginForm onSignedIn={() => void navigate(safeNext(search.get('next')), { replace: true })} />
    </main>
  );
}
