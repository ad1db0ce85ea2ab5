import { describe, expect, it } from 'vitest';
import { csvCell, exportName, toCsv, toJson } from './table-export';

type Row = { name: string; gas: number; note: string | null };
const columns = [
  { key: 'name', value: (r: Row) => r.name },
  { key: 'gas', value: (r: Row) => r.gas },
  { key: 'note', value: (r: Row) => r.note },
];

describe('table export', () => {
  it('writes a header and one CRLF line per row, quoting commas and quotes', () => {
    const csv = toCsv([{ name: 'submit_job', gas: 1200, note: 'a, "b"' }], columns);
    expect(csv).toBe('name,gas,note\r\nsubmit_job,1200,"a, ""b"""\r\n');
  });

  it('neutralises cells a spreadsheet would run as formulas, but keeps negative numbers numeric', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });

  it('writes JSON objects with the CSV header as keys and null for missing values', () => {
    expect(JSON.parse(toJson([{ name: 'f', gas: 3, note: null }], columns))).toEqual([{ name: 'f', gas: 3, note: null }]);
  });

  it('names the file after the view and the range', () => {
    expect(exportName('gas', '2026-11-30T10:00:00.000Z', '2026-11-30T12:30:00.000Z')).toBe('ciro-gas-20261130T1000Z-20261130T1230Z');
    expect(exportName('gas', '2026-11-30T10:00:00.000Z', undefined)).toBe('ciro-gas-20261130T1000Z-now');
    expect(exportName('gas', '2026-11-30T10:00:00+00:00', '2026-11-30T13:00:00+00:00')).toBe('ciro-gas-20261130T1000Z-20261130T1300Z');
  });
});
