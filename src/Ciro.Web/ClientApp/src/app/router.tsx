import { createBrowserRouter, RouterProvider } from 'react-router';
import { MainErrorFallback } from '@/components/errors/main-error-fallback';
import { paths } from '@/config/paths';
import { AnomaliesRoute } from './routes/anomalies';
import { DashboardRoute } from './routes/dashboard';
import { GasRoute } from './routes/gas';
import { TimingRoute } from './routes/timing';
import { UsageRoute } from './routes/usage';
import { WorkerRoute, WorkersRoute } from './routes/workers';
import { NotFoundRoute } from './routes/not-found';

const router = createBrowserRouter([
  { path: paths.dashboard.path, element: <DashboardRoute />, errorElement: <MainErrorFallback /> },
  { path: paths.gas.path, element: <GasRoute />, errorElement: <MainErrorFallback /> },
  { path: paths.timing.path, element: <TimingRoute />, errorElement: <MainErrorFallback /> },
  { path: paths.workers.path, element: <WorkersRoute />, errorElement: <MainErrorFallback /> },
  { path: paths.worker.path, element: <WorkerRoute />, errorElement: <MainErrorFallback /> },
  { path: paths.usage.path, element: <UsageRoute />, errorElement: <MainErrorFallback /> },
  { path: paths.anomalies.path, element: <AnomaliesRoute />, errorElement: <MainErrorFallback /> },
  { path: '*', element: <NotFoundRoute /> },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
