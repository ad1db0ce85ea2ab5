import { useState } from 'react';
import { useLocation } from 'react-router';
import { Button } from '@/components/ui/button';
import { useKpiFilters } from '@/hooks/use-kpi-filters';
import { describeRange } from '@/lib/kpi-filters';
import { pdfExportRequest, pdfFileName, PRINTABLE_VIEWS, printableViewAt, type PrintableView } from '@/utils/pdf-export';
import { useExportPdf } from '../api/export-pdf';
import './pdf-export-menu.css';

/**
 * In every view's header: "This view" prints the view on screen, the picker prints a chosen set of views, both over
 * the range and filters in the URL. A native disclosure, so the keyboard opens and closes it.
 */
export function PdfExportMenu() {
  const [filters] = useKpiFilters();
  const current = printableViewAt(useLocation().pathname);
  const [chosen, setChosen] = useState<PrintableView[]>(() => (current ? [current] : ['overview']));
  const exportPdf = useExportPdf();
  const print = (views: PrintableView[]) =>
    exportPdf.mutate({ request: pdfExportRequest(views, filters), fileName: pdfFileName(views, filters) });
  const toggle = (view: PrintableView, on: boolean) =>
    setChosen((previous) => PRINTABLE_VIEWS.map((v) => v.name).filter((name) => (name === view ? on : previous.includes(name))));

  return (
    <details className="pdf-menu" data-testid="pdf-menu">
      <summary className="button button--ghost">Export PDF</summary>
      <div className="pdf-menu__panel">
        <p className="pdf-menu__range">{describeRange(filters)}</p>
        {current && (
          <Button onClick={() => print([current])} disabled={exportPdf.isPending} data-testid="pdf-this-view">
            This view
          </Button>
        )}
        <fieldset className="pdf-menu__views">
          <legend>Views</legend>
          {PRINTABLE_VIEWS.map((view) => (
            <label key={view.name}>
              <input
                type="checkbox"
                checked={chosen.includes(view.name)}
                onChange={(e) => toggle(view.name, e.target.checked)}
                data-testid={`pdf-view-${view.name}`}
              />
              {view.title}
            </label>
          ))}
        </fieldset>
        <Button variant="ghost" onClick={() => print(chosen)} disabled={exportPdf.isPending || chosen.length === 0} data-testid="pdf-chosen">
          {exportPdf.isPending ? 'Printing…' : `PDF of ${chosen.length} view${chosen.length === 1 ? '' : 's'}`}
        </Button>
        <p role="status" className="pdf-menu__status">
          {exportPdf.isError ? `Export failed: ${exportPdf.error.message}` : exportPdf.isSuccess ? 'Saved.' : ''}
        </p>
      </div>
    </details>
  );
}
