import { describe, expect, it, vi } from 'vitest';
import { api, ApiError, setAntiforgeryToken, setUnauthorizedHandler } from './api-client';

describe('api client', () => {
  it('turns an RFC 7807 body into an ApiError with title and detail', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(JSON.stringify({ title: 'Invalid range', status: 400, detail: 'minutes must be 1..1440' }), {
            status: 400,
            headers: { 'Content-Type': 'application/problem+json' },
          }),
        ),
      ),
    );
    const error = await api.get('/api/activity/jobs', { params: { minutes: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, title: 'Invalid range', detail: 'minutes must be 1..1440' });
  });

  it('describes a non-JSON failure by its status', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response('upstream timeout', { status: 502, statusText: 'Bad Gateway' }))));
    await expect(api.get('/api/blocks/latest')).rejects.toMatchObject({ status: 502, title: 'HTTP 502 Bad Gateway', detail: 'upstream timeout' });
  });

  it('reports an unreachable API as such', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(api.get('/api/blocks/latest')).rejects.toMatchObject({ status: 0, title: 'Cannot reach the Ciro API' });
  });

  it('sends the anti-forgery token on POSTs only', async () => {
    const fetchMock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      void input;
      void init;
      return Promise.resolve(new Response(null, { status: 204 }));
    });
    vi.stubGlobal('fetch', fetchMock);
    setAntiforgeryToken('token-1');
    await api.post('/api/alerts/incidents/i-1/ack', { comment: 'on it' });
    await api.get('/api/blocks/latest').catch(() => undefined);
    const headers = fetchMock.mock.calls.map(([, init]) => new Headers(init?.headers));
    expect(headers[0]?.get('X-XSRF-TOKEN')).toBe('token-1');
    expect(headers[0]?.get('Content-Type')).toBe('application/json');
    expect(headers[1]?.get('X-XSRF-TOKEN')).toBeNull();
    setAntiforgeryToken(undefined);
  });

  it('tells the session layer about a 401', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response(JSON.stringify({ title: 'Sign in first' }), { status: 401 }))));
    const expired = vi.fn();
    const unregister = setUnauthorizedHandler(expired);
    await expect(api.get('/api/blocks/latest')).rejects.toMatchObject({ status: 401 });
    unregister();
    await expect(api.get('/api/blocks/latest')).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(1);
  });
});
