// Display formatting. Token amounts arrive as base-10 integer strings in the token's smallest unit and are
// handled with string/BigInt arithmetic only: a Number would silently lose precision past 2^53.

const INTEGER = /^-?\d+$/;

/** Groups an unsigned digit string in threes: "1234567" → "1,234,567". */
export function groupDigits(digits: string, separator = ','): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/** Plain integer for counts shown in KPIs and tests: no grouping, no locale. */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : String(Math.trunc(value));
}

/** Grouped integer for gas and other large counters. */
export function formatInteger(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const digits = String(Math.trunc(Math.abs(value)));
  return `${value < 0 ? '-' : ''}${groupDigits(digits)}`;
}

/**
 * Scales a base-unit integer string by 10^decimals and rounds half-up to at most `maxFractionDigits`,
 * trimming trailing zeros: formatUnits("123456789012345678901", 18, 6) → "123.456789".
 * A non-zero amount that rounds to zero is shown as "<0.000001" rather than a misleading "0".
 * Anything that is not an integer string is returned unchanged.
 */
export function formatUnits(raw: string, decimals: number, maxFractionDigits = 6): string {
  const value = raw.trim();
  if (!INTEGER.test(value)) return raw;
  const negative = value.startsWith('-');
  const magnitude = BigInt(negative ? value.slice(1) : value);
  const fractionDigits = Math.max(0, Math.min(maxFractionDigits, decimals));
  const dropped = 10n ** BigInt(decimals - fractionDigits);
  const rounded = dropped === 1n ? magnitude : (magnitude + dropped / 2n) / dropped;
  const fractionScale = 10n ** BigInt(fractionDigits);
  const sign = negative && rounded !== 0n ? '-' : '';

  if (rounded === 0n && magnitude !== 0n) {
    const smallest = fractionDigits === 0 ? '1' : `0.${'0'.repeat(fractionDigits - 1)}1`;
    return `${negative ? '>-' : '<'}${smallest}`;
  }

  const whole = groupDigits((rounded / fractionScale).toString());
  const fraction =
    fractionDigits === 0 ? '' : (rounded % fractionScale).toString().padStart(fractionDigits, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Groups a base-unit integer string without scaling: "123456789012345678901" → "123,456,789,012,345,678,901". */
export function formatRawAmount(raw: string): string {
  const value = raw.trim();
  if (!INTEGER.test(value)) return raw;
  const negative = value.startsWith('-');
  const digits = (negative ? value.slice(1) : value).replace(/^0+(?=\d)/, '');
  return `${negative ? '-' : ''}${groupDigits(digits)}`;
}

/** "0x1234…cdef" for hashes and addresses. */
export function shortHash(hash: string, keep = 6): string {
  return hash.length <= keep * 2 + 3 ? hash : `${hash.slice(0, keep + 2)}…${hash.slice(-keep)}`;
}

/** "22:49" in UTC; operators compare against chain and server logs, which are UTC. */
export function formatUtcMinute(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(11, 16);
}

/** "2026-11-27 22:49:07 UTC". */
export function formatUtcDateTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "3 min ago", relative to `now`. */
export function formatAge(iso: string, now: number = Date.now()): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min ago`;
  return `${Math.floor(hours / 24)} d ago`;
}
