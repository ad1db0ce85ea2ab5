import { createBrowserRouter, RouterProvider } from 'react-router';
import { MainErrorFallback } from '@/components/errors/main-error-fallback';
import { paths } from '@/config/paths';
import { DashboardRoute } from './routes/dashboard';
import { NotFoundRoute } from './routes/not-found';

const router = createBrowserRouter([
  { path: paths.dashboard.path, element: <DashboardRoute />, errorElement: <MainErrorFallback /> },
  { path: '*', element: <NotFoundRoute /> },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
