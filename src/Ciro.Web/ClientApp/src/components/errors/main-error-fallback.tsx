import { useRouteError } from 'react-router';
import { ErrorCard } from '@/components/ui/error-card';

/** Last-resort screen for a render error anywhere under the router. */
export function MainErrorFallback() {
  const error = useRouteError();
  return (
    <div className="layout">
      <main className="layout__main">
        <ErrorCard error={error} onRetry={() => window.location.reload()} />
      </main>
    </div>
  );
}
