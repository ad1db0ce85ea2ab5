/** Seconds of a .NET TimeSpan as the APIs write it ("[d.]hh:mm:ss[.fffffff]", "-" before a negative one); NaN otherwise. */
export function timeSpanSeconds(value: string): number {
  const match = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(value);
  if (!match) return Number.NaN;
  const [, sign, days = '0', hours, minutes, seconds, fraction = '0'] = match;
  const total = Number(days) * 86_400 + Number(hours) * 3_600 + Number(minutes) * 60 + Number(seconds) + Number(`0.${fraction}`);
  return sign ? -total : total;
}

/** A rule's or a policy's duration, as a rule file spells it: "5m", "1h30m", "2d", "90s" → "1m30s"; "0" for none. */
export function formatTimeSpan(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const total = timeSpanSeconds(value);
  if (Number.isNaN(total)) return value;
  if (total === 0) return '0';
  let rest = Math.round(Math.abs(total));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return `${total < 0 ? '-' : ''}${parts.join('')}`;
}
