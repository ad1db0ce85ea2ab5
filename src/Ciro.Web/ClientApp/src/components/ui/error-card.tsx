import { ApiError } from '@/lib/api-client';
import { Button } from './button';

type ErrorCardProps = {
  error: unknown;
  onRetry?: () => void;
};

/** Shows an RFC 7807 problem's title and detail as the API sent them. */
export function ErrorCard({ error, onRetry }: ErrorCardProps) {
  const title = error instanceof ApiError ? error.title : 'Something went wrong';
  const detail = error instanceof ApiError ? error.detail : error instanceof Error ? error.message : String(error);
  return (
    <div className="error-card" role="alert" data-testid="error-card">
      <p className="error-card__title">{title}</p>
      {detail && <p className="error-card__detail">{detail}</p>}
      {onRetry && (
        <Button variant="ghost" onClick={onRetry}>
          Retry
        </Button>
      )}
    </div>
  );
}
