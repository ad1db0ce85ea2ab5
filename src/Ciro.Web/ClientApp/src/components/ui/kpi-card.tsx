import type { ReactNode } from 'react';

type KpiCardProps = {
  label: string;
  /** Rendered alone inside the element tests and the e2e script read, so keep it a bare value. */
  value: ReactNode;
  hint?: ReactNode;
  tone?: 'default' | 'submitted' | 'assigned' | 'completed' | 'failed' | 'warning';
  valueTestId: string;
  loading?: boolean;
  /** The exact figures, when the tile shows them shortened. */
  title?: string;
};

export function KpiCard({ label, value, hint, tone = 'default', valueTestId, loading = false, title }: KpiCardProps) {
  return (
    <section className={`kpi kpi--${tone}`} aria-busy={loading} title={title}>
      <h2 className="kpi__label">{label}</h2>
      <p className="kpi__value" data-testid={valueTestId}>
        {loading ? '…' : value}
      </p>
      {hint && <p className="kpi__hint">{hint}</p>}
    </section>
  );
}
