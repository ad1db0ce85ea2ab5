import type { ReactNode } from 'react';

export const WAITING_FOR_FIRST_BLOCK = 'waiting for the first block';

export function EmptyState({ children = WAITING_FOR_FIRST_BLOCK }: { children?: ReactNode }) {
  return (
    <p className="empty-state" data-testid="empty-state">
      {children}
    </p>
  );
}
