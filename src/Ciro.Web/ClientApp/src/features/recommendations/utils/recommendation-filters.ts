// The recommendations view's own filter, in the URL beside the shared ones (the shared `contract` filters by target):
//   ?state=accepted
// Values are the API's `status` values (RecommendationStatus), so they pass through; 'all' sends none.

export const STATES = ['all', 'new', 'accepted', 'dismissed', 'verified', 'regressed'] as const;
export type RecommendationState = (typeof STATES)[number];
export const DEFAULT_STATE: RecommendationState = 'all';

/** Reads the state from a query string; a value the API would refuse is dropped rather than sent. */
export function parseRecommendationState(params: URLSearchParams): RecommendationState {
  return STATES.find((s) => s === params.get('state')) ?? DEFAULT_STATE;
}

/** Writes the state into a copy of the query string; the default is omitted. */
export function writeRecommendationState(current: URLSearchParams, state: RecommendationState): URLSearchParams {
  const next = new URLSearchParams(current);
  if (state === DEFAULT_STATE) next.delete('state');
  else next.set('state', state);
  return next;
}

/** The API's status parameter for a state: none for 'all'. */
export const statusParam = (state: RecommendationState): string | undefined => (state === 'all' ? undefined : state);
