// Every event of every ABI in contracts/abi (and the fee token's Transfer), including those the simulator does not
// emit yet (the performance monitor's events, MetricsRegistry's, AccessControl's, Pausable's): keys and data built
// from the ABI by our own Cairo Serde encoder, with values chosen to catch truncation, must decode in starknet.js to
// exactly those values. Events the simulator emits are also checked against its chain in events.test.js.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hash } from 'starknet';
import { abis, decoderFor, encodeEvent, eventPaths, sampleValue, shortName } from './support/abi.js';
import { checks } from './support/event-checks.js';

const emitter = '0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde';

for (const [contract, abi] of Object.entries(abis)) {
  describe(`${contract} ABI events decode in starknet.js to the values encoded`, () => {
    const { decode } = decoderFor(abi);
    const paths = eventPaths(abi);

    it('the ABI declares events, each reachable from the contract\'s Event enum', () => {
      const structs = abi.filter((x) => x.type === 'event' && x.kind === 'struct').map((x) => x.name).sort();
      assert.ok(structs.length > 0);
      assert.deepEqual(paths.map((p) => p.event.name).sort(), structs);
    });

    for (const { event, selectors } of paths) {
      const name = shortName(event.name);
      const where = checks[name] ? 'emitted by the simulator' : 'not emitted by the simulator';
      it(`${name} (${selectors.length === 1 ? 'top level' : 'nested in a component'}; ${where})`, () => {
        const values = Object.fromEntries(event.members.map((m, i) => [m.name, sampleValue(abi, m.type, i)]));
        const { keys, data } = encodeEvent(abi, event, selectors, values);
        assert.equal(keys[selectors.length - 1], hash.getSelectorFromName(name), 'the last selector is the event\'s own name');
        const parsed = decode([{ from_address: emitter, keys, data, block_number: 7, transaction_hash: '0x1' }]);
        assert.equal(parsed.length, 1, 'starknet.js found the event by its keys');
        assert.deepEqual(Object.keys(parsed[0]).filter((k) => k.includes('::')), [event.name]);
        assert.deepEqual(parsed[0][event.name], values);
        assert.equal(parsed[0].block_number, 7);
        // One felt fewer in the data than the ABI lays out must not decode to the same values.
        if (data.length > 0) {
          let short;
          try {
            short = decode([{ from_address: emitter, keys, data: data.slice(0, -1) }])[0]?.[event.name];
          } catch {
            short = undefined;
          }
          assert.notDeepEqual(short, values, 'a truncated event decoded to the full values');
        }
      });
    }
  });
}
