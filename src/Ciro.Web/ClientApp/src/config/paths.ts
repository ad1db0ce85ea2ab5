// Client-side routes. The host falls back to index.html for anything that is not /api, /auth or /hubs.
export const paths = {
  dashboard: { path: '/', label: 'Overview', getHref: () => '/' },
  gas: { path: '/gas', label: 'Gas', getHref: () => '/gas' },
  timing: { path: '/timing', label: 'Timing', getHref: () => '/timing' },
  workers: { path: '/workers', label: 'Workers', getHref: () => '/workers' },
  worker: { path: '/workers/:address', label: 'Worker', getHref: (address: string) => `/workers/${address}` },
  usage: { path: '/usage', label: 'Usage', getHref: () => '/usage' },
  anomalies: { path: '/anomalies', label: 'Anomalies', getHref: () => '/anomalies' },
  onchain: { path: '/onchain', label: 'On-chain', getHref: () => '/onchain' },
  experiments: { path: '/experiments', label: 'Experiments', getHref: () => '/experiments' },
  experiment: { path: '/experiments/:id', label: 'Experiment', getHref: (id: string) => `/experiments/${encodeURIComponent(id)}` },
  alerts: { path: '/alerts', label: 'Alerts', getHref: () => '/alerts' },
  alertRules: { path: '/alert-rules', label: 'Alert rules', getHref: () => '/alert-rules' },
  recommendations: { path: '/recommendations', label: 'Recommendations', getHref: () => '/recommendations' },
  reports: { path: '/reports', label: 'Reports', getHref: () => '/reports' },
  incident: { path: '/alerts/:id', label: 'Incident', getHref: (id: string) => `/alerts/${encodeURIComponent(id)}` },
  print: { path: '/print', label: 'Print', getHref: () => '/print' },
  login: {
    path: '/login',
    label: 'Sign in',
    /** The sign-in page, remembering where to return (a path on this site only). */
    getHref: (next?: string) => (next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'),
  },
} as const;

/** The views in the navigation, in order. */
export const NAV_VIEWS = [paths.dashboard, paths.gas, paths.timing, paths.workers, paths.usage, paths.anomalies, paths.onchain, paths.experiments, paths.alerts, paths.alertRules, paths.recommendations, paths.reports] as const;

/** Where to go after signing in: the `next` parameter if it is a path on this site, else the dashboard. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : paths.dashboard.getHref();
}
