import { useNavigate, useSearchParams } from 'react-router';
import { safeNext } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/login-form';

export function LoginRoute() {
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const next = safeNext(search.get('next'));
  return (
    <main className="login-page">
      <LoginForm onSignedIn={() => void navigate(next, { replace: true })} next={next} ssoFailed={search.get('error') === 'sso'} />
    </main>
  );
}
