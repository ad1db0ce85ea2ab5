import type { ComponentProps, ReactNode } from 'react';
import { FilterBar } from '@/components/filters/filter-bar';
import { ChartAnnotationsContext } from '@/components/ui/chart-annotations';
import { DashboardLayout } from '@/components/layouts/dashboard-layout';
import { ThemeToggle } from '@/components/ui/theme-toggle';
import { useClassChanges } from '@/features/annotations/api/get-class-changes';
import { UserMenu } from '@/features/auth/components/user-menu';
import { PdfExportMenu } from '@/features/exports/components/pdf-export-menu';
import { LiveStatusPill } from '@/features/live/components/live-status-pill';
import { ReorgBanner } from '@/features/live/components/reorg-banner';
import { PipelineBanner } from '@/features/pipeline/components/pipeline-banner';
import { apiRange, type KpiFilters } from '@/lib/kpi-filters';

/**
 * The frame of every signed-in page: the navigation, who is signed in (and Sign out), the theme, the live status,
 * and the banners that concern every view (the indexer halted, a reorg reloaded the figures). Lives in app/ as it
 * joins features.
 */
export function ViewFrame({ children }: { children: ReactNode }) {
  return (
    <DashboardLayout
      status={
        <span className="layout__actions">
          <PdfExportMenu />
          <UserMenu />
          <ThemeToggle />
          <LiveStatusPill />
        </span>
      }
      banner={
        <>
          <PipelineBanner />
          <ReorgBanner />
        </>
      }
    >
      {children}
    </DashboardLayout>
  );
}

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
 * An analytics view: the frame, then the shared filter bar (keyed on the URL's filters, so Back or a link shows them
 * in its inputs), then the view, whose time charts mark the range's deploys and upgrades (of the filtered contract,
 * when there is one).
 */
export function ViewShell({ filters, onFilter, fields = [], metrics, children }: ViewShellProps) {
  const classChanges = useClassChanges(apiRange(filters), filters.contract);
  return (
    <ViewFrame>
      <FilterBar key={JSON.stringify(filters)} filters={filters} onChange={onFilter} metrics={metrics} fields={fields} />
      <ChartAnnotationsContext.Provider value={classChanges}>{children}</ChartAnnotationsContext.Provider>
    </ViewFrame>
  );
}
