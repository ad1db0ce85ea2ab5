import { describe, expect, it } from 'vitest';
import { formatMatchers, parseMatchers } from './matchers';

describe('silence matchers', () => {
  it('parses every operator and writes them back the same way', () => {
    const parsed = parseMatchers('rule=gas-spike, contract=~0x04.*,severity!=info , worker!~0x1|0x2');
    expect(parsed.matchers).toEqual([
      { name: 'rule', op: '=', value: 'gas-spike' },
      { name: 'contract', op: '=~', value: '0x04.*' },
      { name: 'severity', op: '!=', value: 'info' },
      { name: 'worker', op: '!~', value: '0x1|0x2' },
    ]);
    expect(formatMatchers(parsed.matchers!)).toBe('rule=gas-spike, contract=~0x04.*, severity!=info, worker!~0x1|0x2');
  });

  it('names the part that is not a matcher', () => {
    expect(parseMatchers('rule=a, just-words').error).toBe("'just-words' is not name=value, name!=value, name=~regex or name!~regex");
    expect(parseMatchers(' , ').error).toBe('at least one matcher, e.g. rule=gas-spike');
  });
});
