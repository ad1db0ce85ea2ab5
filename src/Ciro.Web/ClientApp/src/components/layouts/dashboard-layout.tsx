import type { ReactNode } from 'react';
import { NavLink, useSearchParams } from 'react-router';
import { NAV_VIEWS } from '@/config/paths';
import { FILTER_KEYS } from '@/lib/kpi-filters';

type DashboardLayoutProps = {
  status: ReactNode;
  banner?: ReactNode;
  children: ReactNode;
};

/** The shared filters travel with the navigation, so switching views keeps the range, contract and worker. */
function useFilterQuery(): string {
  const [searchParams] = useSearchParams();
  const kept = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    if (key === 'metric') continue; // metric names differ per view
    const value = searchParams.get(key);
    if (value) kept.set(key, value);
  }
  const query = kept.toString();
  return query ? `?${query}` : '';
}

export function DashboardLayout({ status, banner, children }: DashboardLayoutProps) {
  const query = useFilterQuery();
  return (
    <div className="layout">
      <header className="layout__header">
        <h1 className="layout__title">Ciro — CIRO Network</h1>
        <nav className="layout__nav" aria-label="Views">
          {NAV_VIEWS.map((view) => (
            <NavLink key={view.path} to={`${view.getHref()}${query}`} end={view.path === '/'} className="layout__nav-link">
              {view.label}
            </NavLink>
          ))}
        </nav>
        {status}
      </header>
      {banner}
      <main className="layout__main">{children}</main>
    </div>
  );
}
