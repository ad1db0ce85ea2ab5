import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { ApiError } from '@/lib/api-client';
import { ssoHref, useSignInProviders } from '../api/providers';
import { useSignIn } from '../api/session';
import './login.css';

/** next: where to go once signed in (also the single sign-on's way back); ssoFailed: the server sent us back from a
 * refused or broken single sign-on (/login?error=sso). */
type LoginFormProps = { onSignedIn: () => void; next?: string; ssoFailed?: boolean };

function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Wrong user name or password.';
    if (error.status === 429) return `Too many attempts. ${error.detail ?? 'Try again in a minute.'}`;
    return error.detail ? `${error.title}: ${error.detail}` : error.title;
  }
  return error instanceof Error ? error.message : String(error);
}

export function LoginForm({ onSignedIn, next = '/', ssoFailed = false }: LoginFormProps) {
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useSignIn();
  const providers = useSignInProviders();
  const oidc = providers.data?.oidc;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    signIn.mutate({ userName, password }, { onSuccess: onSignedIn, onError: () => setPassword('') });
  }

  return (
    <form className="login" onSubmit={submit} aria-labelledby="login-title" data-testid="login-form">
      <h1 id="login-title" className="login__title">
        Sign in to Ciro
      </h1>
      <p className="login__subtitle">CIRO Network monitoring</p>
      <label className="login__field">
        <span>User name</span>
        <input name="username" autoComplete="username" required value={userName} onChange={(e) => setUserName(e.target.value)} autoFocus />
      </label>
      <label className="login__field">
        <span>Password</span>
        <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {signIn.isError && (
        <p className="login__error" role="alert" data-testid="login-error">
          {describe(signIn.error)}
        </p>
      )}
      <Button type="submit" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
      {ssoFailed && (
        <p className="login__error" role="alert" data-testid="sso-error">
          Single sign-on did not sign you in: the provider refused, or your account has no Ciro role. Ask an administrator.
        </p>
      )}
      {oidc && (
        <a className="button button--ghost login__sso" href={ssoHref(oidc.loginPath, next)} data-testid="sso-link">
          Sign in with {oidc.displayName}
        </a>
      )}
    </form>
  );
}
