// Display of KPI values; "—" for null (the API's "no data", never shown as 0).

const dash = '—';

export function formatPercent(share: number | null | undefined, digits = 2): string {
  return share === null || share === undefined ? dash : `${(share * 100).toFixed(digits)}%`;
}

export function formatSeconds(seconds: number | null | undefined, digits = 2): string {
  return seconds === null || seconds === undefined ? dash : `${Number(seconds.toFixed(digits))} s`;
}

export function formatDecimal(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? dash : String(Number(value.toFixed(digits)));
}

/** Grouped integer for counts and gas. */
export function formatGas(value: number | null | undefined): string {
  return value === null || value === undefined ? dash : Math.round(value).toLocaleString('en-US');
}

/** "3,000,000,000" from a decimal integer string (prices, fees in FRI/WEI); BigInt only. */
export function formatAmount(raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return dash;
  return /^-?\d+$/.test(raw) ? BigInt(raw).toLocaleString('en-US') : raw;
}

/** Sum of decimal integer strings (fees), exact. */
export function sumAmounts(values: readonly string[]): string {
  return values.reduce((total, v) => total + (/^-?\d+$/.test(v) ? BigInt(v) : 0n), 0n).toString();
}
