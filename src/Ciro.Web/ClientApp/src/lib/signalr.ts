import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';

// Never give up: the dashboard runs on a wall screen for days, and the host restarts on deploys.
const RETRY_DELAYS_MS = [0, 1_000, 2_000, 5_000, 10_000, 30_000] as const;

export function retryDelay(previousRetryCount: number): number {
  return RETRY_DELAYS_MS[Math.min(previousRetryCount, RETRY_DELAYS_MS.length - 1)] ?? 30_000;
}

export function createHubConnection(url: string): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(url)
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => retryDelay(ctx.previousRetryCount) })
    .configureLogging(LogLevel.Warning)
    .build();
}
