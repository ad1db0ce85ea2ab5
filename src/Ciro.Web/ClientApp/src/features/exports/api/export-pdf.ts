import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { downloadBlob } from '@/utils/download';
import type { PdfExportRequest } from '@/utils/pdf-export';

/** POST /api/export/pdf: the server prints the views with its Chromium; the PDF is saved as a download. */
export function exportPdf(request: PdfExportRequest): Promise<Blob> {
  return api.postForBlob('/api/export/pdf', request);
}

export function useExportPdf() {
  return useMutation({
    mutationFn: async ({ request, fileName }: { request: PdfExportRequest; fileName: string }) => {
      downloadBlob(fileName, await exportPdf(request));
    },
  });
}
