import { describe, expect, it, vi } from 'vitest';
import { api, ApiError } from './api-client';

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
});
