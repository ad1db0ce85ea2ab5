import { downloadText } from '@/utils/download';
import { exportName, toCsv, toJson, type ExportColumn } from '@/utils/table-export';
import { Button } from './button';

type ExportButtonsProps<Row> = {
  /** View name in the file name, e.g. "gas". */
  view: string;
  rows: readonly Row[];
  columns: readonly ExportColumn<Row>[];
  from: string | undefined;
  to: string | undefined;
};

/** CSV and JSON of exactly the rows and columns the view's table shows. */
export function ExportButtons<Row>({ view, rows, columns, from, to }: ExportButtonsProps<Row>) {
  const name = exportName(view, from, to);
  const disabled = rows.length === 0;
  return (
    <div className="export-buttons">
      <Button
        variant="ghost"
        disabled={disabled}
        data-testid={`export-${view}-csv`}
        onClick={() => downloadText(`${name}.csv`, toCsv(rows, columns), 'text/csv;charset=utf-8')}
      >
        Export CSV
      </Button>
      <Button
        variant="ghost"
        disabled={disabled}
        data-testid={`export-${view}-json`}
        onClick={() => downloadText(`${name}.json`, toJson(rows, columns), 'application/json')}
      >
        Export JSON
      </Button>
    </div>
  );
}
