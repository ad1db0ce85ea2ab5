// starknet.js against the simulator serving the v0.7.1 shapes (Simulator:RpcShape=v0_7: what nodes served in early
// 2024). starknet.js 10.8 implements RPC 0.9 and 0.10 only, so it refuses such a node when it detects the version;
// a provider pinned to its oldest channel (0.9) still reads the answers, and every event still decodes and passes
// its kind's check. Same seed, same chain: the values are compared with /admin truth as in the current shape.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LibraryError, RpcProvider, config } from 'starknet';
import { checkChain, checks } from './support/event-checks.js';
import { startSimulator } from './support/simulator.js';

const felt = (v) => BigInt(v);

describe('starknet.js against the simulator in the v0.7.1 shapes', () => {
  let sim;
  let provider;
  let state;
  let truth;
  let blocks;

  before(async () => {
    config.set('logLevel', 'ERROR'); // create() warns about the version before it refuses it
    sim = await startSimulator({ RpcShape: 'v0_7' });
    provider = new RpcProvider({ nodeUrl: sim.rpcUrl, specVersion: '0.9.0' });
    state = await sim.admin('/state');
    truth = [];
    blocks = [];
    for (let n = 0; n <= state.head.number; n++) {
      truth.push(await sim.admin(`/blocks/${n}`));
      blocks.push(await provider.getBlockWithReceipts(n));
    }
  });

  after(async () => {
    await sim?.stop();
  });

  it('RpcProvider.create refuses a node reporting 0.7.1: starknet.js 10.8 speaks RPC 0.9 and 0.10 only', async () => {
    assert.equal(await provider.getSpecVersion(), '0.7.1');
    await assert.rejects(RpcProvider.create({ nodeUrl: sim.rpcUrl }), (e) =>
      e instanceof LibraryError && /0\.7\.1 is not compatible/.test(e.message));
  });

  it('headers: v0.7 shape (no l2_gas_price, starknet 0.13.1.1), hashes, parents, times and transactions equal the truth', async () => {
    for (const t of truth) {
      const b = await provider.getBlockWithTxHashes(t.number);
      assert.equal(b.block_number, t.number);
      assert.equal(felt(b.block_hash), felt(t.hash));
      assert.equal(felt(b.parent_hash), felt(t.parentHash));
      assert.equal(b.timestamp, t.timestamp);
      assert.deepEqual(b.transactions.map(felt), t.transactionHashes.map(felt));
      assert.equal(b.l2_gas_price, undefined, `block ${t.number} has no l2_gas_price in v0.7`);
      assert.equal(b.starknet_version, '0.13.1.1');
    }
    assert.equal(await provider.getStarknetVersion('latest'), '0.13.1.1');
    // starknet.js's gas helper reads l2_gas_price, which v0.7 headers do not have.
    await assert.rejects(provider.getGasPrices('latest'), TypeError);
  });

  it('receipts: v0.7 execution resources (steps, data_availability), ReceiptTx statuses, reverted count equal the truth', async () => {
    let reverted = 0;
    for (const b of blocks) {
      const t = truth[b.block_number];
      assert.deepEqual(b.transactions.map((x) => felt(x.receipt.transaction_hash)), t.transactionHashes.map(felt));
      for (const { receipt, transaction } of b.transactions) {
        assert.ok(receipt.execution_resources.steps > 0, 'steps');
        assert.ok(receipt.execution_resources.data_availability, 'data_availability');
        assert.equal(receipt.execution_resources.l2_gas, undefined);
        assert.equal(transaction.resource_bounds.l1_data_gas, undefined, 'v0.7 bounds have no l1_data_gas');
        if (receipt.execution_status === 'REVERTED') reverted++;
      }
      assert.equal(b.transactions.filter((x) => x.receipt.execution_status === 'REVERTED').length, t.revertedTransactions);
    }
    assert.equal(reverted, state.counts.revertedTransactions);
    const sample = blocks.filter((b) => b.block_number % 10 === 0).flatMap((b) => b.transactions.map((x) => ({ b, x })));
    for (const { b, x } of sample) {
      const r = await provider.getTransactionReceipt(x.receipt.transaction_hash);
      assert.equal(r.isSuccess(), x.receipt.execution_status === 'SUCCEEDED');
      assert.equal(r.isReverted(), x.receipt.execution_status === 'REVERTED');
      assert.equal(r.value.block_number, b.block_number);
    }
  });

  it('events: every one decodes with its emitter\'s ABI and passes its kind\'s check, counts equal the truth', () => {
    const { decodedByBlock, seen, failures, decodeFailures } = checkChain(blocks);
    assert.deepEqual(decodeFailures, []);
    assert.deepEqual(failures, {});
    for (const t of truth) assert.deepEqual(decodedByBlock[t.number], t.eventsByName, `block ${t.number}`);
    assert.deepEqual(seen, Object.fromEntries(Object.entries(state.counts.eventsByName).filter(([, n]) => n > 0)));
    assert.ok(Object.keys(seen).every((name) => checks[name]));
  });

  it('getEvents: paging returns every event once, without the event positions v0.7 did not have', async () => {
    const all = [];
    let token;
    do {
      const page = await provider.getEvents({ from_block: { block_number: 0 }, to_block: 'latest', chunk_size: 200, continuation_token: token });
      all.push(...page.events);
      token = page.continuation_token;
    } while (token);
    assert.equal(all.length, state.counts.events);
    assert.ok(all.every((e) => e.transaction_index === undefined && e.event_index === undefined));
    assert.ok(all.every((e) => felt(e.block_hash) === felt(truth[e.block_number].hash)));
  });

  it('the pending block (requested as pre_confirmed): a v0.7 pending header, parent_hash and no block_number', async () => {
    const pending = await provider.getBlockWithTxHashes('pre_confirmed');
    assert.equal(felt(pending.parent_hash), felt(state.head.hash));
    assert.equal(pending.block_number, undefined);
    assert.equal(pending.block_hash, undefined);
  });
});
