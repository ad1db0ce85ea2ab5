import type { ReactNode } from 'react';

type DashboardLayoutProps = {
  status: ReactNode;
  banner?: ReactNode;
  children: ReactNode;
};

export function DashboardLayout({ status, banner, children }: DashboardLayoutProps) {
  return (
    <div className="layout">
      <header className="layout__header">
        <h1 className="layout__title">Ciro — CIRO Network live</h1>
        {status}
      </header>
      {banner}
      <main className="layout__main">{children}</main>
    </div>
  );
}
