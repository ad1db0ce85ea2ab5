import { Link } from 'react-router';
import { paths } from '@/config/paths';

export function NotFoundRoute() {
  return (
    <div className="layout">
      <main className="layout__main">
        <p className="empty-state">
          Nothing here. <Link to={paths.dashboard.getHref()}>Back to the dashboard</Link>
        </p>
      </main>
    </div>
  );
}
