import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders, requestUrl } from '@/testing/test-utils';
import { LoginForm } from './login-form';

const json = (body: unknown, status = 200) => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));

/** /auth/login answers status/body; /auth/providers answers `providers` (no single sign-on unless given). */
function stubLogin(status: number, body: unknown, providers: unknown = { password: true, oidc: null }) {
  const mock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    void init;
    return requestUrl(input) === '/auth/providers' ? json(providers) : json(body, status);
  });
  vi.stubGlobal('fetch', mock);
  return mock;
}

async function fillAndSubmit(user: string, password: string) {
  await userEvent.type(screen.getByLabelText('User name'), user);
  await userEvent.type(screen.getByLabelText('Password'), password);
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('login form', () => {
  it('posts the credentials as JSON and reports success', async () => {
    const fetchMock = stubLogin(200, { userName: 'vera', role: 'viewer', antiforgeryToken: 't1' });
    const onSignedIn = vi.fn();
    renderWithProviders(<LoginForm onSignedIn={onSignedIn} />);
    await fillAndSubmit('vera', 's3cret');
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    const [input, init] = fetchMock.mock.calls.find(([url]) => requestUrl(url) === '/auth/login')!;
    expect(requestUrl(input)).toBe('/auth/login');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(init?.body as string)).toEqual({ userName: 'vera', password: 's3cret' });
  });

  it('says the password is wrong on a 401 and clears the password field', async () => {
    stubLogin(401, { title: 'Wrong user name or password', status: 401 });
    const onSignedIn = vi.fn();
    renderWithProviders(<LoginForm onSignedIn={onSignedIn} />);
    await fillAndSubmit('vera', 'nope');
    expect(await screen.findByTestId('login-error')).toHaveTextContent('Wrong user name or password.');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('tells how long to wait on a 429', async () => {
    stubLogin(429, { title: 'Too many requests', status: 429, detail: 'Try again in 42 s.' });
    renderWithProviders(<LoginForm onSignedIn={vi.fn()} />);
    await fillAndSubmit('vera', 'guess');
    expect(await screen.findByTestId('login-error')).toHaveTextContent('Too many attempts. Try again in 42 s.');
  });

  it('offers single sign-on when the server has a provider, coming back to where the user was going', async () => {
    stubLogin(200, {}, { password: true, oidc: { displayName: 'Contoso SSO', loginPath: '/auth/oidc/login' } });
    renderWithProviders(<LoginForm onSignedIn={vi.fn()} next="/alerts?state=open" />);
    const link = await screen.findByTestId('sso-link');
    expect(link).toHaveTextContent('Sign in with Contoso SSO');
    expect(link).toHaveAttribute('href', '/auth/oidc/login?returnUrl=%2Falerts%3Fstate%3Dopen');
  });

  it('shows no single sign-on without a provider, and says why a failed one sent the user back', async () => {
    stubLogin(200, {});
    renderWithProviders(<LoginForm onSignedIn={vi.fn()} ssoFailed />);
    expect(await screen.findByTestId('sso-error')).toHaveTextContent('no Ciro role');
    await waitFor(() => expect(screen.queryByTestId('sso-link')).toBeNull());
  });
});
