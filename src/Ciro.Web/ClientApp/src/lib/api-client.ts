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

async function request<T>(path: string, params: QueryParams | undefined, signal: AbortSignal | undefined): Promise<T> {
  let response: Response;
  try {
    response = await fetch(buildUrl(path, params), {
      headers: { Accept: 'application/json' },
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'Cannot reach the Ciro API', error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as T;
}

/** The one HTTP client of the app: JSON in, typed JSON out, ProblemDetails → ApiError. */
export const api = {
  get<T>(path: string, options: { params?: QueryParams; signal?: AbortSignal } = {}): Promise<T> {
    return request<T>(path, options.params, options.signal);
  },
};
