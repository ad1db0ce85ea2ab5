import type { ReactNode } from 'react';
import { Card } from './card';
import { EmptyState } from './empty-state';
import { ErrorCard } from './error-card';

/** What a card needs of a TanStack query (a useQuery result fits). */
export type CardQuery<T> = { data: T | undefined; isError: boolean; error: unknown; refetch: () => unknown };

type QueryCardProps<T> = {
  title?: ReactNode;
  subtitle?: ReactNode;
  /** Usually the view's ExportButtons. */
  actions?: ReactNode;
  query: CardQuery<T>;
  /** True when the answer has nothing to show: the card says `empty` instead of calling `children`. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
  className?: string;
  'data-testid'?: string;
};

/**
 * The frame of every view's card: title and actions, then the API's problem (with Retry) when there is no answer
 * to show, "Loading…" before the first answer, the empty message, or the content. An error with an answer on
 * screen (a failed refresh) keeps the answer.
 */
export function QueryCard<T>({ title, subtitle, actions, query, isEmpty, empty, children, className, 'data-testid': testId }: QueryCardProps<T>) {
  const { data } = query;
  return (
    <Card title={title} subtitle={subtitle} actions={actions} className={className} data-testid={testId}>
      {query.isError && data === undefined ? (
        <ErrorCard error={query.error} onRetry={() => void query.refetch()} />
      ) : data === undefined ? (
        <p className="loading">Loading…</p>
      ) : isEmpty?.(data) ? (
        <EmptyState>{empty}</EmptyState>
      ) : (
        children(data)
      )}
    </Card>
  );
}
