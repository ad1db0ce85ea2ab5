import { env } from '@/config/env';

/** The configured explorer's page of a transaction (VITE_EXPLORER_TX_URL, `{hash}` replaced). */
export const explorerTxUrl = (hash: string): string => env.EXPLORER_TX_URL.replace('{hash}', encodeURIComponent(hash));
