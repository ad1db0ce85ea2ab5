import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { StoredRuleView } from '@/types/alerts';
import { rulesKey } from './get-rules';

/** POST /api/rules/{id}/enable or …/disable (admin; API rules only, a rule file's rule answers 409). */
export function useSetRuleEnabled() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
      api.post<StoredRuleView>(`/api/rules/${encodeURIComponent(id)}/${enabled ? 'enable' : 'disable'}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: rulesKey }),
  });
}
