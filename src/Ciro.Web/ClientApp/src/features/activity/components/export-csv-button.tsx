import { Button } from '@/components/ui/button';
import type { JobsBucket } from '@/types/api';
import { downloadText } from '@/utils/download';
import { bucketsToCsv, csvFilename } from '../utils/csv';

type ExportCsvButtonProps = {
  buckets: readonly JobsBucket[];
  minutes: number;
};

/** Downloads exactly the buckets the chart shows, zero-filled minutes included. */
export function ExportCsvButton({ buckets, minutes }: ExportCsvButtonProps) {
  return (
    <Button
      variant="ghost"
      data-testid="export-csv"
      disabled={buckets.length === 0}
      onClick={() => downloadText(csvFilename(minutes, buckets), bucketsToCsv(buckets), 'text/csv;charset=utf-8')}
    >
      Export CSV
    </Button>
  );
}
