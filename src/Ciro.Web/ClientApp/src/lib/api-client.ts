import { env } from '@/config/env';
import type { ProblemDetails } from '@/types/api';

/** An API failure, carrying the server's RFC 7807 problem details when it sent them. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly problem: ProblemDetails | undefined;

  constructor(status: number, title: string, detail?: string, problem?: ProblemDetails) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.problem = problem;
  }
}

type QueryParams = Record<string, string | number | boolean | undefined>;

// The session lives in an HttpOnly cookie the browser sends by itself. POSTs also carry the anti-forgery token the
// server issued with the session (GET /auth/session), and a 401 from any call means the session is gone.
let antiforgeryToken: string | undefined;
let onUnauthorized: (() => void) | undefined;

/** Called by the session layer whenever it learns the current token (sign-in, session load). */
export function setAntiforgeryToken(token: string | undefined): void {
  antiforgeryToken = token;
}

/** Registers what to do when the server says the session is missing or expired; returns the unregister call. */
export function setUnauthorizedHandler(handler: () => void): () => void {
  onUnauthorized = handler;
  return () => {
    if (onUnauthorized === handler) onUnauthorized = undefined;
  };
}

export function buildUrl(path: string, params?: QueryParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined) search.set(key, String(value));
  }
  const query = search.toString();
  return `${env.API_URL}${path}${query ? `?${query}` : ''}`;
}

function isProblemDetails(body: unknown): body is ProblemDetails {
  return typeof body === 'object' && body !== null && ('title' in body || 'detail' in body);
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isProblemDetails(body)) {
    return new ApiError(
      response.status,
      body.title ?? `HTTP ${response.status}`,
      body.detail,
      body,
    );
  }
  return new ApiError(response.status, `HTTP ${response.status} ${response.statusText}`.trim(), text.slice(0, 300) || undefined);
}

type RequestOptions = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; params?: QueryParams; body?: unknown; signal?: AbortSignal; blob?: boolean };

async function request<T>(path: string, { method, params, body, signal, blob }: RequestOptions): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && antiforgeryToken) headers['X-XSRF-TOKEN'] = antiforgeryToken;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, params), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'Cannot reach the Ciro API', error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) {
    if (response.status === 401) onUnauthorized?.();
    throw await toApiError(response);
  }
  if (response.status === 204) return undefined as T;
  if (blob) return (await response.blob()) as T;
  return (await response.json()) as T;
}

/** The one HTTP client of the app: JSON in, typed JSON out, ProblemDetails → ApiError. */
export const api = {
  get<T>(path: string, options: { params?: QueryParams; signal?: AbortSignal } = {}): Promise<T> {
    return request<T>(path, { method: 'GET', ...options });
  },
  /** A state-changing call: sends the anti-forgery token; the server also checks the caller's role (403). */
  post<T>(path: string, body?: unknown, options: { params?: QueryParams; signal?: AbortSignal } = {}): Promise<T> {
    return request<T>(path, { method: 'POST', body, ...options });
  },
  /** A POST whose answer is a file (e.g. a PDF); errors are ProblemDetails as for every call. */
  postForBlob(path: string, body?: unknown, options: { signal?: AbortSignal } = {}): Promise<Blob> {
    return request<Blob>(path, { method: 'POST', body, blob: true, ...options });
  },
  put<T>(path: string, body?: unknown, options: { params?: QueryParams; signal?: AbortSignal } = {}): Promise<T> {
    return request<T>(path, { method: 'PUT', body, ...options });
  },
  delete<T>(path: string, options: { params?: QueryParams; signal?: AbortSignal } = {}): Promise<T> {
    return request<T>(path, { method: 'DELETE', ...options });
  },
};
