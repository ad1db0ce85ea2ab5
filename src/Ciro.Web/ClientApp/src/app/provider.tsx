import { QueryClientProvider } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { LiveHubProvider } from '@/features/live/live-hub-provider';
import { createQueryClient } from '@/lib/react-query';
import { createLiveHandlers } from './live-handlers';

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const handlers = useMemo(() => createLiveHandlers(queryClient), [queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      <LiveHubProvider handlers={handlers}>{children}</LiveHubProvider>
    </QueryClientProvider>
  );
}
