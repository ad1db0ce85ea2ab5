// starknet.js's WebSocketChannel against the simulator's /ws: new heads (backlog and live), events with a filter,
// a reorg notice followed by the new branch, unsubscribe. Values are compared with /admin truth.
// Node 20 has a global WebSocket only with --experimental-websocket (package.json's test script passes it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RpcError, WebSocketChannel, hash } from 'starknet';
import { abis, decoderFor } from './support/abi.js';
import { settings, startSimulator } from './support/simulator.js';

const felt = (v) => BigInt(v);

/** Collects a subscription's notifications; until(n) waits for the n-th one. */
function collector(subscription) {
  const items = [];
  let wake = () => {};
  subscription.on((data) => {
    items.push(data);
    wake();
  });
  const until = async (n, what) => {
    const deadline = Date.now() + 60_000;
    while (items.length < n) {
      if (Date.now() > deadline) assert.fail(`${what}: ${items.length} of ${n} notifications after 60 s`);
      await new Promise((r) => {
        wake = r;
        setTimeout(r, 500);
      });
    }
    return items.slice(0, n);
  };
  return { items, until };
}

describe('starknet.js WebSocketChannel against the chain simulator', () => {
  let sim;
  let channel;
  const methods = [];

  before(async () => {
    assert.equal(typeof WebSocket, 'function', 'no global WebSocket: run node with --experimental-websocket (Node 20)');
    sim = await startSimulator();
    channel = new WebSocketChannel({ nodeUrl: sim.url.replace('http', 'ws') + '/ws', autoReconnect: false });
    await channel.waitForConnection();
    channel.on('message', (ev) => methods.push(JSON.parse(ev.data).method));
  });

  after(async () => {
    if (channel?.isConnected()) {
      channel.disconnect();
      await channel.waitForDisconnection();
    }
    await sim?.stop();
  });

  it('subscribeNewHeads from a past block: the backlog, then live heads, each header equal to /admin/blocks', async () => {
    const state = await sim.admin('/state');
    const from = state.head.number - 4;
    const heads = collector(await channel.subscribeNewHeads({ blockIdentifier: from }));
    const backlog = await heads.until(5, 'backlog');
    await sim.adminPost('/advance', { blocks: 2 });
    const all = await heads.until(7, 'live heads');
    assert.deepEqual(all.map((h) => h.block_number), Array.from({ length: 7 }, (_, i) => from + i));
    for (const h of all) {
      const t = await sim.admin(`/blocks/${h.block_number}`);
      assert.equal(felt(h.block_hash), felt(t.hash), `block ${h.block_number} hash`);
      assert.equal(felt(h.parent_hash), felt(t.parentHash), `block ${h.block_number} parent`);
      assert.equal(h.timestamp, t.timestamp);
      assert.equal(h.transaction_count, t.transactionCount);
      assert.equal(h.event_count, t.eventCount);
    }
    assert.equal(backlog.length, 5);
    assert.ok(methods.includes('starknet_subscriptionNewHeads'));
  });

  it('subscribeEvents with an address and key filter: exactly the JobSubmitted events of those blocks, decodable', async () => {
    const state = await sim.admin('/state');
    const from = state.head.number - 5;
    let expected = 0;
    for (let n = from; n <= state.head.number; n++) expected += (await sim.admin(`/blocks/${n}`)).eventsByName.JobSubmitted ?? 0;
    assert.ok(expected > 0, 'the window holds submissions');
    const subscription = await channel.subscribeEvents({
      fromAddress: settings.JobManagerAddress, keys: [[hash.getSelectorFromName('JobSubmitted')]], blockIdentifier: from,
    });
    const events = collector(subscription);
    const got = await events.until(expected, 'events');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(events.items.length, expected, 'no event beyond the filter');
    const decoded = decoderFor(abis.JobManager).decode(got);
    assert.equal(decoded.length, expected);
    for (const [i, e] of got.entries()) {
      assert.equal(felt(e.from_address), felt(settings.JobManagerAddress));
      assert.ok(e.block_number >= from && e.block_number <= state.head.number);
      assert.equal(e.finality_status, 'ACCEPTED_ON_L2');
      assert.ok(decoded[i]['ciro_monitor::job_manager::JobManager::JobSubmitted'].job_id > 0n);
    }
    assert.equal(await subscription.unsubscribe(), true);
    assert.ok(subscription.isClosed);
  });

  it('a reorg: starknet_subscriptionReorg with the orphaned range reaches the handler, then the new branch', async () => {
    const { head } = await sim.admin('/state');
    const heads = collector(await channel.subscribeNewHeads());
    await sim.adminPost('/advance', { blocks: 1 });
    // Without block_id the subscription starts at latest: the current head, then the sealed one.
    const [latest, sealed] = await heads.until(2, 'latest and a live head');
    assert.equal(felt(latest.block_hash), felt(head.hash));
    assert.equal(sealed.block_number, head.number + 1);
    const reorg = await sim.adminPost('/reorg', { depth: 3 });
    assert.equal(reorg.lastNumber, sealed.block_number);
    const [, , notice, ...branch] = await heads.until(6, 'reorg notice and the new branch');
    assert.equal(notice.starting_block_number, reorg.firstNumber);
    assert.equal(felt(notice.starting_block_hash), felt(reorg.oldHashes[0]));
    assert.equal(notice.ending_block_number, reorg.lastNumber);
    assert.equal(felt(notice.ending_block_hash), felt(reorg.oldHashes.at(-1)));
    assert.deepEqual(branch.map((h) => h.block_number), [reorg.firstNumber, reorg.firstNumber + 1, reorg.lastNumber]);
    assert.deepEqual(branch.map((h) => felt(h.block_hash)), reorg.newHashes.map(felt));
    assert.ok(methods.includes('starknet_subscriptionReorg'));
  });

  it('errors: an unknown subscription id is INVALID_SUBSCRIPTION_ID (66), a block over 1024 back TOO_MANY_BLOCKS_BACK (68)', async () => {
    // WebSocketChannel rejects with a plain Error carrying the JSON-RPC error object (not an RpcError as over HTTP).
    // Its error object goes through RpcError to use starknet.js's own table of spec error names.
    const rpcError = async (method, promise) => {
      try {
        await promise;
      } catch (e) {
        const match = /: (\{.*\})$/.exec(e.message);
        assert.ok(match, `no JSON-RPC error in: ${e.message}`);
        return new RpcError(JSON.parse(match[1]), method, {});
      }
      assert.fail('the request succeeded but an RPC error was expected');
    };
    const unknown = await rpcError('starknet_unsubscribe', channel.unsubscribe('123456789'));
    assert.ok(unknown.isType('INVALID_SUBSCRIPTION_ID'), `got ${unknown.code}`);
    await sim.adminPost('/pregenerate', { blocks: 1030, eventsPerBlock: 2 });
    const { head } = await sim.admin('/state');
    const tooFar = await rpcError('starknet_subscribeNewHeads', channel.subscribeNewHeads({ blockIdentifier: head.number - 1025 }));
    assert.ok(tooFar.isType('TOO_MANY_BLOCKS_BACK'), `got ${tooFar.code}`);
  });
});
