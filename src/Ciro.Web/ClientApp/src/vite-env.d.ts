/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Origin of the Ciro API; empty means same origin (the ASP.NET host serves this app). */
  readonly VITE_API_URL?: string;
  /** Path or URL of the activity SignalR hub. */
  readonly VITE_HUB_URL?: string;
  /** Block explorer link of a transaction, with {hash} where the hash goes. */
  readonly VITE_EXPLORER_TX_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
