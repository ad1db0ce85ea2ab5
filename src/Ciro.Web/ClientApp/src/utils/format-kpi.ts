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

const SI_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** "3 GFRI", "27.01 TFRI", "206.88 kFRI" from a decimal integer string: at most two decimals (cut, not rounded) under
 * an SI prefix, for a tile too narrow for every digit; the exact value goes in its title. BigInt only. */
export function formatAmountShort(raw: string | null | undefined, unit: string): string {
  if (raw === null || raw === undefined) return dash;
  if (!/^-?\d+$/.test(raw)) return raw;
  const value = BigInt(raw);
  const magnitude = value < 0n ? -value : value;
  let prefix = 0;
  while (prefix < SI_PREFIXES.length - 1 && magnitude >= 1000n ** BigInt(prefix + 1)) prefix++;
  const scale = 1000n ** BigInt(prefix);
  const whole = magnitude / scale;
  const hundredths = ((magnitude % scale) * 100n) / scale;
  const decimals = hundredths === 0n ? '' : `.${hundredths.toString().padStart(2, '0').replace(/0$/, '')}`;
  return `${value < 0n ? '-' : ''}${whole.toLocaleString('en-US')}${decimals} ${SI_PREFIXES[prefix]}${unit}`;
}

/** Sum of decimal integer strings (fees), exact. */
export function sumAmounts(values: readonly string[]): string {
  return values.reduce((total, v) => total + (/^-?\d+$/.test(v) ? BigInt(v) : 0n), 0n).toString();
}
