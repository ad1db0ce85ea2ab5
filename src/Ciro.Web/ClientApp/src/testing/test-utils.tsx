import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import type { JobsActivity, JobsBucket } from '@/types/api';

export function createTestQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
}

type ProviderOptions = { queryClient?: QueryClient; route?: string } & Omit<RenderOptions, 'wrapper'>;

export function renderWithProviders(ui: ReactElement, { queryClient = createTestQueryClient(), route = '/', ...options }: ProviderOptions = {}) {
  function Wrapper({ children }: { children: ReactNode }) {
    return (
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[route]}>{children}</MemoryRouter>
      </QueryClientProvider>
    );
  }
  return { queryClient, ...render(ui, { wrapper: Wrapper, ...options }) };
}

export function bucket(minute: string, counts: Partial<Omit<JobsBucket, 'minute'>> = {}): JobsBucket {
  return { minute, submitted: 0, allocated: 0, assigned: 0, completed: 0, failed: 0, ...counts };
}

export function activity(asOf: string, buckets: JobsBucket[], asOfBlock: number | null = 123): JobsActivity {
  return { asOfBlock, asOf, buckets };
}

/** The URL a fetch call asked for, in whichever form it was given. */
export function requestUrl(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/** Stubs global fetch with a handler from URL to JSON body; returns the mock for call assertions. */
export function stubFetch(handler: (url: URL) => { status?: number; body: unknown }) {
  const mock = vi.fn((input: RequestInfo | URL) => {
    const url = new URL(requestUrl(input), 'http://localhost');
    const { status = 200, body } = handler(url);
    return Promise.resolve(
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
      }),
    );
  });
  vi.stubGlobal('fetch', mock);
  return mock;
}
