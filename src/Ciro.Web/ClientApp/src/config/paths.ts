// Client-side routes. The host falls back to index.html for anything that is not /api or /hubs.
export const paths = {
  dashboard: { path: '/', getHref: () => '/' },
} as const;
