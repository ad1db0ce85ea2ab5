import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { JobsActivity } from '@/types/api';

/** Prefix shared by every window, so a hub push can find all cached windows. */
export const jobsActivityBaseKey = ['activity', 'jobs'] as const;

export function getJobsActivity(minutes: number, signal?: AbortSignal): Promise<JobsActivity> {
  return api.get<JobsActivity>('/api/activity/jobs', { params: { minutes }, signal });
}

export function getJobsActivityQueryOptions(minutes: number) {
  return queryOptions({
    queryKey: [...jobsActivityBaseKey, { minutes }] as const,
    queryFn: ({ signal }) => getJobsActivity(minutes, signal),
  });
}

export type JobsActivityQueryKey = ReturnType<typeof getJobsActivityQueryOptions>['queryKey'];

type UseJobsActivityOptions = {
  minutes: number;
  /** Poll interval while the live hub is down; false while pushes keep the cache fresh. */
  refetchInterval?: number | false;
};

export function useJobsActivity({ minutes, refetchInterval = false }: UseJobsActivityOptions) {
  return useQuery({
    ...getJobsActivityQueryOptions(minutes),
    refetchInterval,
    // Keep showing the previous window while a new range loads, instead of flashing an empty chart.
    placeholderData: (previous) => previous,
  });
}
