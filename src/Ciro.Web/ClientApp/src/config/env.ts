// Build-time settings (Vite's import.meta.env), validated once so a bad value fails loudly at start-up
// instead of as a mysterious 404 later.

type Env = {
  /** Prefix for API calls: '' (same origin) or an absolute http(s) origin. */
  API_URL: string;
  /** SignalR hub URL: a path on this origin or an absolute http(s) URL. */
  HUB_URL: string;
  /** Explorer URL of a transaction, `{hash}` replaced by the hash (gas drill-down links). */
  EXPLORER_TX_URL: string;
};

/** Voyager's Sepolia explorer: CIRO's contracts are deployed there. */
const DEFAULT_EXPLORER_TX_URL = 'https://sepolia.voyager.online/tx/{hash}';

function readExplorerUrl(raw: string | undefined): string {
  const value = (raw ?? '').trim();
  if (value === '') return DEFAULT_EXPLORER_TX_URL;
  if (/^https?:\/\/[^\s]+$/i.test(value) && value.includes('{hash}')) return value;
  throw new Error(`VITE_EXPLORER_TX_URL must be an http(s) URL containing {hash}, got "${value}"`);
}

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
    EXPLORER_TX_URL: readExplorerUrl(source.VITE_EXPLORER_TX_URL),
  };
}

export const env: Env = createEnv(import.meta.env);
