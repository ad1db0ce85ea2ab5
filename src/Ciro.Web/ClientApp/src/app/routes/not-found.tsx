import { Link } from 'react-router';
import { paths } from '@/config/paths';
import { ViewFrame } from '../view-shell';

export function NotFoundRoute() {
  return (
    <ViewFrame>
      <p className="empty-state">
        Nothing here. <Link to={paths.dashboard.getHref()}>Back to the dashboard</Link>
      </p>
    </ViewFrame>
  );
}
