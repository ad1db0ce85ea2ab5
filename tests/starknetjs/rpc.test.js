// starknet.js's RpcProvider against the chain simulator: every JSON-RPC method the simulator serves, each answer
// parsed by the real client and compared with the simulator's ground truth (/admin/state, /admin/blocks/{n}).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RpcError, RpcProvider, constants, hash, shortString, uint256 } from 'starknet';
import { settings, startSimulator } from './support/simulator.js';

const felt = (v) => BigInt(v);
const sameFelt = (actual, expected, what) =>
  assert.equal(felt(actual), felt(expected), `${what}: ${actual} is not ${expected}`);

/** Runs fn over items, a few at a time (hundreds of receipts, without hundreds of open sockets). */
async function each(items, fn, width = 8) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

async function rpcErrorOf(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof RpcError, `expected an RpcError, got ${e}`);
    return e;
  }
  assert.fail('the call succeeded but an RPC error was expected');
}

describe('starknet.js RpcProvider against the chain simulator', () => {
  let sim;
  let provider;
  let state;
  let truth; // /admin/blocks/{n} for every canonical block, by number
  let receiptsBlocks; // getBlockWithReceipts for every block, by number

  before(async () => {
    sim = await startSimulator();
    provider = await RpcProvider.create({ nodeUrl: sim.rpcUrl });
    state = await sim.admin('/state');
    truth = [];
    for (let n = 0; n <= state.head.number; n++) truth.push(await sim.admin(`/blocks/${n}`));
    receiptsBlocks = [];
    for (let n = 0; n <= state.head.number; n++) receiptsBlocks.push(await provider.getBlockWithReceipts(n));
  });

  after(async () => {
    await sim?.stop();
  });

  it('specVersion: the simulator serves 0.10.3 and RpcProvider.create picks a 0.10 channel for it', async () => {
    assert.equal(await provider.getSpecVersion(), '0.10.3');
    assert.ok(Object.values(constants.SupportedRpcVersion).includes('0.10.3'), 'starknet.js lists 0.10.3 as supported');
    assert.match(provider.channel.channelSpecVersion, /^0\.10\./);
    assert.equal(provider.channel.readSpecVersion(), '0.10.3');
    // An explicitly configured provider checks the node's version on first use and accepts it.
    const pinned = new RpcProvider({ nodeUrl: sim.rpcUrl, specVersion: '0.10.3' });
    assert.equal(await pinned.channel.setUpSpecVersion(), '0.10.3');
  });

  it('chainId: the configured Cairo short string', async () => {
    const id = await provider.getChainId();
    assert.equal(shortString.decodeShortString(id), settings.ChainId);
    sameFelt(id, shortString.encodeShortString(settings.ChainId), 'chain id');
  });

  it('syncing: false, as a node at the tip reports', async () => {
    assert.equal(await provider.getSyncingStats(), false);
  });

  it('blockNumber and blockHashAndNumber: the head of /admin/state', async () => {
    assert.equal(state.head.number, settings.PregenerateBlocks);
    assert.equal(await provider.getBlockNumber(), state.head.number);
    const latest = await provider.getBlockLatestAccepted();
    assert.equal(latest.block_number, state.head.number);
    sameFelt(latest.block_hash, state.head.hash, 'head hash');
  });

  it('getBlockWithTxHashes: every block\'s hash, parent, time, status and transaction hashes equal the truth', async () => {
    for (const t of truth) {
      const b = await provider.getBlockWithTxHashes(t.number);
      assert.equal(b.block_number, t.number);
      sameFelt(b.block_hash, t.hash, `block ${t.number} hash`);
      sameFelt(b.parent_hash, t.parentHash, `block ${t.number} parent`);
      assert.equal(b.timestamp, t.timestamp);
      assert.equal(b.timestamp, settings.StartTimestamp + t.number * (settings.BlockIntervalMs / 1000));
      assert.equal(b.status, t.number <= state.l1AcceptedNumber ? 'ACCEPTED_ON_L1' : 'ACCEPTED_ON_L2');
      assert.deepEqual(b.transactions.map(felt), t.transactionHashes.map(felt), `block ${t.number} transactions`);
      assert.equal(b.transaction_count, t.transactionCount);
      assert.equal(b.event_count, t.eventCount);
      if (t.number > 0) sameFelt(b.parent_hash, truth[t.number - 1].hash, `block ${t.number} links to its parent`);
    }
  });

  it('getBlock with tags and a hash: latest, l1_accepted, pre_confirmed, {block_hash}', async () => {
    const latest = await provider.getBlock('latest');
    sameFelt(latest.block_hash, state.head.hash, 'latest');
    const l1 = await provider.getBlock('l1_accepted');
    assert.equal(l1.block_number, state.l1AcceptedNumber);
    assert.equal(l1.block_number, state.head.number - settings.L1AcceptedLag);
    assert.equal(l1.status, 'ACCEPTED_ON_L1');
    const pre = await provider.getBlock('pre_confirmed');
    assert.equal(pre.block_number, state.pendingNumber);
    // PRE_CONFIRMED_BLOCK_WITH_TX_HASHES: a header without status, hash, parent or roots.
    for (const absent of ['status', 'block_hash', 'parent_hash', 'new_root']) assert.equal(pre[absent], undefined, absent);
    assert.ok(pre.timestamp > state.head.timestamp, 'the pre-confirmed block comes after the head');
    const byHash = await provider.getBlock(truth[17].hash);
    assert.equal(byHash.block_number, 17);
  });

  it('getBlockWithReceipts: receipts, reverted count, L2 gas and events of every block equal the truth', async () => {
    let reverted = 0;
    let events = 0;
    for (const t of truth) {
      const b = receiptsBlocks[t.number];
      sameFelt(b.block_hash, t.hash, `block ${t.number} hash`);
      assert.deepEqual(b.transactions.map((x) => felt(x.receipt.transaction_hash)), t.transactionHashes.map(felt));
      const revertedHere = b.transactions.filter((x) => x.receipt.execution_status === 'REVERTED').length;
      assert.equal(revertedHere, t.revertedTransactions, `block ${t.number} reverted`);
      const l2Gas = b.transactions.reduce((sum, x) => sum + BigInt(x.receipt.execution_resources.l2_gas), 0n);
      assert.equal(l2Gas, BigInt(t.l2GasUsed), `block ${t.number} L2 gas`);
      const eventsHere = b.transactions.reduce((sum, x) => sum + x.receipt.events.length, 0);
      assert.equal(eventsHere, t.eventCount, `block ${t.number} events`);
      for (const x of b.transactions) {
        assert.equal(x.receipt.finality_status, b.status, `block ${t.number} receipt finality`);
        assert.equal(x.receipt.actual_fee.unit, 'FRI');
        assert.equal(x.transaction.type, 'INVOKE');
        assert.equal(x.transaction.version, '0x3');
      }
      reverted += revertedHere;
      events += eventsHere;
    }
    assert.equal(reverted, state.counts.revertedTransactions);
    assert.equal(events, state.counts.events);
  });

  it('getBlockTransactionsTraces / getTransactionTrace: every block\'s traces agree with its receipts', async () => {
    const invocations = (inv) => (inv && !inv.revert_reason ? [inv, ...inv.calls.flatMap(invocations)] : []);
    let traced = 0;
    for (const t of truth) {
      const b = receiptsBlocks[t.number];
      const traces = await provider.getBlockTransactionsTraces(t.number);
      assert.deepEqual(traces.map((x) => felt(x.transaction_hash)), t.transactionHashes.map(felt), `block ${t.number} trace order`);
      traces.forEach((x, i) => {
        const receipt = b.transactions[i].receipt;
        const root = x.trace_root;
        assert.equal(root.type, 'INVOKE');
        assert.equal(BigInt(root.execution_resources.l2_gas), BigInt(receipt.execution_resources.l2_gas), `${x.transaction_hash} L2 gas`);
        assert.equal(BigInt(root.execution_resources.l1_data_gas), BigInt(receipt.execution_resources.l1_data_gas));
        if (receipt.execution_status === 'REVERTED') {
          assert.equal(root.execute_invocation.revert_reason, receipt.revert_reason);
        } else {
          const all = [root.validate_invocation, root.execute_invocation, root.fee_transfer_invocation].flatMap(invocations);
          assert.equal(all.reduce((n, inv) => n + inv.events.length, 0), receipt.events.length, `${x.transaction_hash} events`);
          const rootsGas = [root.validate_invocation, root.execute_invocation, root.fee_transfer_invocation]
            .reduce((sum, inv) => sum + BigInt(inv.execution_resources.l2_gas), 0n);
          assert.equal(rootsGas, BigInt(receipt.execution_resources.l2_gas));
        }
        traced++;
      });
    }
    assert.equal(traced, state.counts.transactions);
    const sample = receiptsBlocks[10].transactions[0].receipt.transaction_hash;
    const one = await provider.getTransactionTrace(sample);
    assert.deepEqual(one, (await provider.getBlockTransactionsTraces(10))[0].trace_root);
  });

  it('getBlockTransactionCount: every block, and latest', async () => {
    for (const t of truth) assert.equal(await provider.getBlockTransactionCount(t.number), t.transactionCount);
    assert.equal(await provider.getBlockTransactionCount('latest'), truth.at(-1).transactionCount);
  });

  it('getTransactionReceipt: every transaction; ReceiptTx statuses and block info agree with the block', async () => {
    const all = receiptsBlocks.flatMap((b) => b.transactions.map((x) => ({ block: b, ...x })));
    assert.equal(all.length, state.counts.transactions);
    let reverted = 0;
    await each(all, async ({ block, receipt }) => {
      const r = await provider.getTransactionReceipt(receipt.transaction_hash);
      const ok = receipt.execution_status === 'SUCCEEDED';
      assert.equal(r.isSuccess(), ok);
      assert.equal(r.isReverted(), !ok);
      assert.equal(r.statusReceipt, ok ? 'SUCCEEDED' : 'REVERTED');
      assert.equal(r.value.block_number, block.block_number);
      sameFelt(r.value.block_hash, block.block_hash, 'receipt block hash');
      const { block_hash: _h, block_number: _n, ...members } = r.value;
      assert.deepEqual(members, receipt);
      if (!ok) {
        reverted++;
        assert.match(r.value.revert_reason, /Failure reason/);
      }
    });
    assert.equal(reverted, state.counts.revertedTransactions);
  });

  it('getTransactionByHash: a sample of transactions equal their block\'s copy, with their hash', async () => {
    const sample = receiptsBlocks.filter((b) => b.block_number % 7 === 0).flatMap((b) => b.transactions);
    assert.ok(sample.length >= 50, `sample of ${sample.length}`);
    await each(sample, async ({ transaction, receipt }) => {
      const tx = await provider.getTransactionByHash(receipt.transaction_hash);
      const { transaction_hash: txHash, ...members } = tx;
      sameFelt(txHash, receipt.transaction_hash, 'transaction hash');
      assert.deepEqual(members, transaction);
    });
  });

  it('getEvents: paging with continuation tokens returns every event of the chain once, in block order', async () => {
    const chunk = 100;
    const seen = [];
    let token;
    let pages = 0;
    do {
      const page = await provider.getEvents({
        from_block: { block_number: 0 }, to_block: 'latest', chunk_size: chunk, continuation_token: token,
      });
      pages++;
      assert.ok(page.events.length === chunk || page.continuation_token === undefined, 'only the last page is short');
      seen.push(...page.events);
      token = page.continuation_token;
    } while (token);
    assert.equal(seen.length, state.counts.events);
    assert.equal(pages, Math.ceil(state.counts.events / chunk));
    const expected = receiptsBlocks.flatMap((b) => b.transactions.flatMap((x) =>
      x.receipt.events.map((e) => ({ ...e, block_number: b.block_number, transaction_hash: x.receipt.transaction_hash }))));
    seen.forEach((e, i) => {
      const want = expected[i];
      assert.equal(e.block_number, want.block_number, `event ${i} block`);
      sameFelt(e.block_hash, truth[e.block_number].hash, `event ${i} block hash`);
      sameFelt(e.transaction_hash, want.transaction_hash, `event ${i} transaction`);
      sameFelt(e.from_address, want.from_address, `event ${i} emitter`);
      assert.deepEqual(e.keys, want.keys, `event ${i} keys`);
      assert.deepEqual(e.data, want.data, `event ${i} data`);
    });
  });

  it('getEvents: address and key filters select what the truth counts', async () => {
    const collect = async (filter) => {
      const out = [];
      let token;
      do {
        const page = await provider.getEvents({ from_block: { block_number: 0 }, to_block: 'latest', chunk_size: 500, ...filter, continuation_token: token });
        out.push(...page.events);
        token = page.continuation_token;
      } while (token);
      return out;
    };
    const submitted = await collect({ address: settings.JobManagerAddress, keys: [[hash.getSelectorFromName('JobSubmitted')]] });
    assert.equal(submitted.length, state.counts.eventsByName.JobSubmitted);
    const byCdcPool = await collect({ address: settings.CdcPoolAddress });
    const cdcKinds = ['WorkerRegistered', 'WorkerDeactivated', 'WorkerReactivated', 'StakeAdded', 'UnstakeRequested',
      'UnstakeExecuted', 'JobAllocated', 'WorkerReserved', 'WorkerReleased'];
    // The pool's monitor events (keys[0] = PerformanceEvent) are the rest; a key filter selects exactly them.
    const monitorKey = hash.getSelectorFromName('PerformanceEvent');
    const cdcMonitor = await collect({ address: settings.CdcPoolAddress, keys: [[monitorKey]] });
    assert.ok(cdcMonitor.length > 0, 'the pool\'s monitor sampled something');
    assert.ok(cdcMonitor.every((e) => BigInt(e.keys[0]) === BigInt(monitorKey)));
    assert.equal(byCdcPool.length - cdcMonitor.length, cdcKinds.reduce((sum, k) => sum + (state.counts.eventsByName[k] ?? 0), 0));
    const window = await collect({ from_block: { block_number: 10 }, to_block: { block_number: 19 } });
    assert.equal(window.length, truth.slice(10, 20).reduce((sum, t) => sum + t.eventCount, 0));
  });

  it('call: views answer what the chain holds at that block (jobs submitted, workers registered, token facts)', async () => {
    let jobs = 0;
    let workers = 0;
    for (const t of truth) {
      jobs += t.eventsByName.JobSubmitted ?? 0;
      workers += t.eventsByName.WorkerRegistered ?? 0;
      if (t.number % 10 !== 0) continue;
      const count = await provider.callContract({ contractAddress: settings.JobManagerAddress, entrypoint: 'get_job_count', calldata: [] }, t.number);
      assert.equal(uint256.uint256ToBN({ low: count[0], high: count[1] }), BigInt(jobs), `jobs up to block ${t.number}`);
      const pool = await provider.callContract({ contractAddress: settings.CdcPoolAddress, entrypoint: 'get_worker_count', calldata: [] }, t.number);
      assert.equal(BigInt(pool[0]), BigInt(workers), `workers at block ${t.number}`);
    }
    const latest = await provider.callContract({ contractAddress: settings.JobManagerAddress, entrypoint: 'get_job_count' }, 'latest');
    assert.equal(BigInt(latest[0]), BigInt(state.jobs.submitted));
    const [decimals] = await provider.callContract({ contractAddress: settings.FeeTokenAddress, entrypoint: 'decimals' }, 'latest');
    assert.equal(BigInt(decimals), 18n);
    const [symbol] = await provider.callContract({ contractAddress: settings.FeeTokenAddress, entrypoint: 'symbol' }, 'latest');
    assert.equal(shortString.decodeShortString(symbol), 'STRK');
  });

  it('block header helpers: getGasPrices equals the head\'s prices in /admin/state, getStarknetVersion is 0.14.1', async () => {
    const prices = await provider.getGasPrices('latest');
    assert.equal(prices.l1GasPrice, BigInt(state.gas.l1GasPriceFri));
    assert.equal(prices.l1DataGasPrice, BigInt(state.gas.l1DataGasPriceFri));
    assert.equal(prices.l2GasPrice, BigInt(state.gas.l2GasPriceFri));
    assert.equal(await provider.getStarknetVersion('latest'), '0.14.1');
  });

  it('errors: starknet.js maps each simulator error to its spec name', async () => {
    const cases = [
      ['BLOCK_NOT_FOUND', () => provider.getBlockWithTxHashes(1_000_000)],
      ['BLOCK_NOT_FOUND', () => provider.getBlockTransactionCount('0x1234')],
      ['TXN_HASH_NOT_FOUND', () => provider.getTransactionReceipt('0x1234')],
      ['TXN_HASH_NOT_FOUND', () => provider.getTransactionByHash('0x1234')],
      ['PAGE_SIZE_TOO_BIG', () => provider.getEvents({ chunk_size: settings.MaxChunkSize + 1 })],
      ['INVALID_CONTINUATION_TOKEN', () => provider.getEvents({ chunk_size: 10, continuation_token: 'not-a-token' })],
      ['TOO_MANY_KEYS_IN_FILTER', () => provider.getEvents({ chunk_size: 10, keys: Array.from({ length: settings.MaxFilterKeys + 1 }, () => []) })],
      ['CONTRACT_NOT_FOUND', () => provider.callContract({ contractAddress: '0x1234', entrypoint: 'get_job_count' }, 'latest')],
      ['ENTRYPOINT_NOT_FOUND', () => provider.callContract({ contractAddress: settings.JobManagerAddress, entrypoint: 'no_such_view' }, 'latest')],
      ['CONTRACT_ERROR', () => provider.callContract({ contractAddress: settings.JobManagerAddress, entrypoint: 'get_job_count', calldata: ['0x1'] }, 'latest')],
    ];
    for (const [name, call] of cases) {
      const e = await rpcErrorOf(call());
      assert.ok(e.isType(name), `${e.request.method}: expected ${name}, got code ${e.code} (${e.baseError.message})`);
    }
    // A continuation token is bound to the filter that issued it.
    const first = await provider.getEvents({ from_block: { block_number: 0 }, to_block: 'latest', chunk_size: 5 });
    const e = await rpcErrorOf(provider.getEvents({ from_block: { block_number: 1 }, to_block: 'latest', chunk_size: 5, continuation_token: first.continuation_token }));
    assert.ok(e.isType('INVALID_CONTINUATION_TOKEN'), `got ${e.code}`);
  });

  it('batch: a batching provider (JSON-RPC arrays) gets the same answers as single requests', async () => {
    const batched = new RpcProvider({ nodeUrl: sim.rpcUrl, specVersion: '0.10.3', batch: 0 });
    const receipt = receiptsBlocks[5].transactions[0].receipt;
    const [number, chainId, block, count, r] = await Promise.all([
      batched.getBlockNumber(),
      batched.getChainId(),
      batched.getBlockWithTxHashes(5),
      batched.getBlockTransactionCount(5),
      batched.getTransactionReceipt(receipt.transaction_hash),
    ]);
    assert.equal(number, state.head.number);
    assert.equal(shortString.decodeShortString(chainId), settings.ChainId);
    sameFelt(block.block_hash, truth[5].hash, 'block 5 hash');
    assert.equal(count, truth[5].transactionCount);
    sameFelt(r.value.transaction_hash, receipt.transaction_hash, 'batched receipt');
    assert.equal(r.isSuccess(), receipt.execution_status === 'SUCCEEDED');
  });

  // Last: it seals the pre-confirmed block to compare it with what it became.
  it('pre_confirmed: the next block\'s receipts and events come without block_hash, and are what it holds once sealed', async () => {
    const pending = await provider.getBlockWithReceipts('pre_confirmed');
    assert.equal(pending.block_number, state.pendingNumber);
    assert.equal(pending.block_hash, undefined);
    assert.ok(pending.transactions.length > 0);
    const { receipt } = pending.transactions[0];
    const r = await provider.getTransactionReceipt(receipt.transaction_hash);
    assert.equal(r.value.finality_status, 'PRE_CONFIRMED');
    assert.equal(r.value.block_number, state.pendingNumber);
    assert.equal(r.value.block_hash, undefined);
    assert.equal(r.isSuccess(), receipt.execution_status === 'SUCCEEDED');
    const pendingEvents = await provider.getEvents({ from_block: 'pre_confirmed', to_block: 'pre_confirmed', chunk_size: 1000 });
    assert.ok(pendingEvents.events.every((e) => e.block_hash === undefined && e.block_number === state.pendingNumber));

    await sim.adminPost('/advance', { blocks: 1 });
    const sealed = await sim.admin(`/blocks/${state.pendingNumber}`);
    assert.deepEqual(pending.transactions.map((x) => felt(x.receipt.transaction_hash)), sealed.transactionHashes.map(felt));
    assert.equal(pendingEvents.events.length, sealed.eventCount);
    const sealedReceipt = await provider.getTransactionReceipt(receipt.transaction_hash);
    assert.equal(sealedReceipt.value.finality_status, 'ACCEPTED_ON_L2');
    sameFelt(sealedReceipt.value.block_hash, sealed.hash, 'sealed block hash');
  });
});
