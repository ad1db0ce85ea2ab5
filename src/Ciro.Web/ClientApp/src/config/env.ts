// Build-time settings (Vite's import.meta.env), validated once so a bad value fails loudly at start-up
// instead of as a mysterious 404 later.

type Env = {
  /** Prefix for API calls: '' (same origin) or an absolute http(s) origin. */
  API_URL: string;
  /** SignalR hub URL: a path on this origin or an absolute http(s) URL. */
  HUB_URL: string;
};

function readUrl(name: string, raw: string | undefined, fallback: string, allowPath: boolean): string {
  const value = (raw ?? '').trim();
  if (value === '') return fallback;
  if (allowPath && value.startsWith('/')) return value;
  if (/^https?:\/\/[^\s]+$/i.test(value)) return value.replace(/\/+$/, '');
  throw new Error(`${name} must be ${allowPath ? 'a path starting with "/" or ' : ''}an http(s) URL, got "${value}"`);
}

export function createEnv(source: ImportMetaEnv): Env {
  return {
    API_URL: readUrl('VITE_API_URL', source.VITE_API_URL, '', false),
    HUB_URL: readUrl('VITE_HUB_URL', source.VITE_HUB_URL, '/hubs/activity', true),
  };
}

export const env: Env = createEnv(import.meta.env);
