import type { ComponentProps, ReactNode } from 'react';
import { FilterBar } from '@/components/filters/filter-bar';
import { ChartAnnotationsContext } from '@/components/ui/chart-annotations';
import { DashboardLayout } from '@/components/layouts/dashboard-layout';
import { useClassChanges } from '@/features/annotations/api/get-class-changes';
import { LiveStatusPill } from '@/features/live/components/live-status-pill';
import { apiRange, type KpiFilters } from '@/lib/kpi-filters';

type ViewShellProps = {
  filters: KpiFilters;
  onFilter: (patch: Partial<KpiFilters>) => void;
  /** Which of contract / function / worker the view filters by; none by default. */
  fields?: ComponentProps<typeof FilterBar>['fields'];
  metrics?: ComponentProps<typeof FilterBar>['metrics'];
  /** The view's own controls and cards, below the shared filters. */
  children: ReactNode;
};

/**
 * The frame of every analytics view: the navigation with the live status, then the shared filter bar (keyed on the
 * URL's filters, so Back or a link shows them in its inputs), then the view, whose time charts mark the range's
 * deploys and upgrades (of the filtered contract, when there is one). Lives in app/ as it joins features.
 */
export function ViewShell({ filters, onFilter, fields = [], metrics, children }: ViewShellProps) {
  const classChanges = useClassChanges(apiRange(filters), filters.contract);
  return (
    <DashboardLayout status={<LiveStatusPill />}>
      <FilterBar key={JSON.stringify(filters)} filters={filters} onChange={onFilter} metrics={metrics} fields={fields} />
      <ChartAnnotationsContext.Provider value={classChanges}>{children}</ChartAnnotationsContext.Provider>
    </DashboardLayout>
  );
}
