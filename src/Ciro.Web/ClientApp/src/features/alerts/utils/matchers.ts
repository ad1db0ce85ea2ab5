import type { LabelMatcher } from '@/types/alerts';

// Silence matchers as an operator types them: "rule=gas-spike, contract=~0x04.*" (comma-separated, Alertmanager's
// operators =, !=, =~, !~). The server validates them again and names the bad one (matchers[i]).
const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

export type ParsedMatchers = { matchers: LabelMatcher[]; error: undefined } | { matchers: undefined; error: string };

export function parseMatchers(text: string): ParsedMatchers {
  const parts = text.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0) return { matchers: undefined, error: 'at least one matcher, e.g. rule=gas-spike' };
  const matchers: LabelMatcher[] = [];
  for (const part of parts) {
    const match = MATCHER.exec(part);
    if (!match) return { matchers: undefined, error: `'${part.trim()}' is not name=value, name!=value, name=~regex or name!~regex` };
    matchers.push({ name: match[1]!, op: match[2]!, value: match[3]! });
  }
  return { matchers, error: undefined };
}

export function formatMatchers(matchers: readonly LabelMatcher[]): string {
  return matchers.map((m) => `${m.name}${m.op ?? '='}${m.value}`).join(', ');
}
