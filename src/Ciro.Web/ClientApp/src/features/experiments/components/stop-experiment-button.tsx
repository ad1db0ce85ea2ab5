import { Button } from '@/components/ui/button';
import { ErrorCard } from '@/components/ui/error-card';
import type { AbExperiment } from '@/types/experiments';
import { useStopAbExperiment } from '../api/stop-ab-experiment';

/** Stop a running experiment (operators): its result window ends now. Nothing for other states. */
export function StopExperimentButton({ experiment }: { experiment: AbExperiment }) {
  const stop = useStopAbExperiment();
  if (experiment.status !== 'running') return null;
  return (
    <>
      <Button
        variant="ghost"
        disabled={stop.isPending}
        onClick={() => stop.mutate(experiment.id)}
        aria-label={`Stop experiment ${experiment.name}`}
        data-testid="ab-experiment-stop"
      >
        Stop
      </Button>
      {stop.error && <ErrorCard error={stop.error} />}
    </>
  );
}
