import { createBrowserRouter, RouterProvider } from 'react-router';
import { MainErrorFallback } from '@/components/errors/main-error-fallback';
import { paths } from '@/config/paths';
import { ProtectedRoot } from './protected-root';
import { AlertRulesRoute, AlertsRoute, IncidentRoute } from './routes/alerts';
import { AnomaliesRoute } from './routes/anomalies';
import { DashboardRoute } from './routes/dashboard';
import { ExperimentRoute, ExperimentsRoute } from './routes/experiments';
import { GasRoute } from './routes/gas';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import { OnchainRoute } from './routes/onchain';
import { PrintRoute } from './routes/print';
import { RecommendationsRoute } from './routes/recommendations';
import { ReportsRoute } from './routes/reports';
import { TimingRoute } from './routes/timing';
import { UsageRoute } from './routes/usage';
import { WorkerRoute, WorkersRoute } from './routes/workers';

// Views go under ProtectedRoot's children: they render only for a signed-in user, with the live hub connected.
const router = createBrowserRouter([
  { path: paths.login.path, element: <LoginRoute />, errorElement: <MainErrorFallback /> },
  // What the server's Chromium prints for a PDF export: its own session check, no frame and no live hub.
  { path: paths.print.path, element: <PrintRoute />, errorElement: <MainErrorFallback /> },
  {
    element: <ProtectedRoot />,
    errorElement: <MainErrorFallback />,
    children: [
      { path: paths.dashboard.path, element: <DashboardRoute /> },
      { path: paths.gas.path, element: <GasRoute /> },
      { path: paths.timing.path, element: <TimingRoute /> },
      { path: paths.workers.path, element: <WorkersRoute /> },
      { path: paths.worker.path, element: <WorkerRoute /> },
      { path: paths.usage.path, element: <UsageRoute /> },
      { path: paths.anomalies.path, element: <AnomaliesRoute /> },
      { path: paths.onchain.path, element: <OnchainRoute /> },
      { path: paths.experiments.path, element: <ExperimentsRoute /> },
      { path: paths.experiment.path, element: <ExperimentRoute /> },
      { path: paths.alerts.path, element: <AlertsRoute /> },
      { path: paths.alertRules.path, element: <AlertRulesRoute /> },
      { path: paths.incident.path, element: <IncidentRoute /> },
      { path: paths.recommendations.path, element: <RecommendationsRoute /> },
      { path: paths.reports.path, element: <ReportsRoute /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
