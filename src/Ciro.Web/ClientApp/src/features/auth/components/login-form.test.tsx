import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders, requestUrl } from '@/testing/test-utils';
import { LoginForm } from './login-form';

function stubLogin(status: number, body: unknown) {
  const mock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    void input;
    void init;
    return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
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
    const [input, init] = fetchMock.mock.calls[0]!;
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
});
