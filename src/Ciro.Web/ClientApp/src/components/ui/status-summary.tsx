export type StatusItem = { label: string; value: string; tone: 'ok' | 'warning' | 'critical' | 'unknown'; testId: string };

/** One line of "is everything fine?": each item green, amber or red, worst first in the overall word. */
export function StatusSummary({ items }: { items: readonly StatusItem[] }) {
  const worst = items.some((i) => i.tone === 'critical')
    ? 'critical'
    : items.some((i) => i.tone === 'warning')
      ? 'warning'
      : items.some((i) => i.tone === 'unknown')
        ? 'unknown'
        : 'ok';
  const word = { ok: 'All systems normal', warning: 'Degraded', critical: 'Action needed', unknown: 'Checking…' }[worst];
  return (
    <section className={`status-summary status-summary--${worst}`} aria-label="Status summary" data-testid="status-summary">
      <strong className="status-summary__word" data-testid="status-overall">
        {word}
      </strong>
      <ul className="status-summary__items">
        {items.map((item) => (
          <li key={item.testId} className={`status-summary__item status-summary__item--${item.tone}`}>
            <span className="status-summary__label">{item.label}</span>{' '}
            <span data-testid={item.testId}>{item.value}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
