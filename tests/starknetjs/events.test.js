// Every event the chain simulator emits, decoded by starknet.js with the emitting contract's ABI
// (contracts/abi/*.json; the fee token's OpenZeppelin ERC20 Transfer) and checked field by field against what the
// chain itself says independently of the event (support/event-checks.js).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Contract, RpcProvider, hash } from 'starknet';
import { abis } from './support/abi.js';
import { checkChain, checks, contracts, multicall } from './support/event-checks.js';
import { settings, startSimulator } from './support/simulator.js';

const felt = (v) => BigInt(v);
const nonZero = (counts) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

describe('starknet.js decodes every event the chain simulator emits', () => {
  let sim;
  let provider;
  let state;
  let truth;
  let blocks;
  let decodedByBlock; // short name → count, per block number
  let seen; // short name → events decoded
  let failures; // short name → first messages of failed checks
  let decodeFailures;

  before(async () => {
    sim = await startSimulator();
    // A few congested blocks (30 transactions each, the CIRO ones included) add other users' STRK transfers:
    // Transfer events that are not fees.
    await sim.adminPost('/scenario', { name: 'congestion', parameters: { transactions: 30 } });
    await sim.adminPost('/advance', { blocks: 3 });
    // Two peak blocks (scaled down to 80 transactions): other users' transfers and batched transfers (multicalls),
    // 10% of each block reverted.
    await sim.adminPost('/scenario', { name: 'peak', parameters: { transactions: 80, revertShare: 0.1, jobsPerBlock: 6 } });
    await sim.adminPost('/advance', { blocks: 2 });
    // The monitor: the admin changes the sample rate, then pauses the registry over an hour boundary (10-minute
    // blocks), so the keeper's flush fails with MonitorError, and unpauses it.
    await sim.adminPost('/scenario', { name: 'monitor', parameters: { rate: 2 } });
    await sim.adminPost('/advance', { blocks: 2 });
    await sim.adminPost('/scenario', { name: 'monitor', parameters: { registryPaused: true } });
    await sim.adminPost('/advance', { blocks: 7 });
    await sim.adminPost('/scenario', { name: 'monitor', parameters: { registryPaused: false } });
    await sim.adminPost('/advance', { blocks: 7 });
    await sim.adminPost('/scenario', { name: 'steady' });
    provider = await RpcProvider.create({ nodeUrl: sim.rpcUrl });
    state = await sim.admin('/state');
    truth = [];
    blocks = [];
    for (let n = 0; n <= state.head.number; n++) {
      truth.push(await sim.admin(`/blocks/${n}`));
      blocks.push(await provider.getBlockWithReceipts(n));
    }

    ({ decodedByBlock, seen, failures, decodeFailures } = checkChain(blocks));
  });

  after(async () => {
    await sim?.stop();
  });

  it('every event decodes with its emitter\'s ABI, the ABI\'s layout uses every key and data felt, counts per block equal /admin/blocks', () => {
    assert.deepEqual(decodeFailures, []);
    for (const t of truth) assert.deepEqual(decodedByBlock[t.number], t.eventsByName, `block ${t.number}`);
    assert.deepEqual(seen, nonZero(state.counts.eventsByName));
  });

  it('every event kind this chain holds has a field check here', () => {
    // /state lists every kind at its count, zeros included: the optimisation scenario's lab ledgers (ResultRecorded,
    // StatsUpdated, Heartbeat) have no ABI and are not generated in this chain.
    const unchecked = Object.entries(state.counts.eventsByName).filter(([name, n]) => n > 0 && !checks[name]).map(([name]) => name);
    assert.deepEqual(unchecked, [], 'add a check for these kinds to support/event-checks.js');
  });

  for (const name of Object.keys(checks)) {
    it(`${name}: decoded fields equal the chain's own record`, () => {
      assert.ok(seen[name] > 0, `the chain holds no ${name} event: nothing was checked`);
      assert.equal(seen[name], state.counts.eventsByName[name]);
      assert.deepEqual(failures[name] ?? [], []);
    });
  }

  it('fee and non-fee Transfers both occur (the congestion and peak blocks add transfers between users)', () => {
    const succeeded = blocks.flatMap((b) => b.transactions).filter((x) => x.receipt.execution_status === 'SUCCEEDED');
    const nonFee = succeeded.flatMap((x) => multicall(x.transaction.calldata).filter((c) => c.name === 'transfer'));
    assert.ok(nonFee.length >= 3, `${nonFee.length} user transfers`);
    assert.equal(state.counts.eventsByName.Transfer, state.counts.transactions + nonFee.length);
  });

  it('peak blocks: 80 transactions, 8 reverted (a reverted batch keeps only its fee Transfer), batched transfers decode call by call', () => {
    const peak = blocks.filter((b) => b.transactions.length === 80);
    assert.equal(peak.length, 2);
    for (const b of peak) assert.equal(b.transactions.filter((x) => x.receipt.execution_status === 'REVERTED').length, 8);
    const batches = peak.flatMap((b) => b.transactions)
      .filter((x) => x.receipt.execution_status === 'SUCCEEDED')
      .map((x) => multicall(x.transaction.calldata))
      .filter((calls) => calls.length > 1 && calls.every((c) => c.name === 'transfer'));
    assert.ok(batches.length >= 5, `${batches.length} batched transfers`);
  });

  it('Contract.parseEvents on a receipt from getTransactionReceipt: the allocation multicall\'s two CDCPool events', async () => {
    const allocation = blocks.flatMap((b) => b.transactions)
      .find((x) => x.receipt.execution_status === 'SUCCEEDED' && multicall(x.transaction.calldata).map((c) => c.name).join() === 'allocate_job,reserve_worker');
    assert.ok(allocation, 'the chain holds an allocation');
    const receipt = await provider.getTransactionReceipt(allocation.receipt.transaction_hash);
    const pool = new Contract({ abi: abis.CDCPool, address: settings.CdcPoolAddress, providerOrAccount: provider });
    const parsed = pool.parseEvents(receipt);
    assert.equal(parsed.length, 2, 'the fee Transfer is the token\'s, not the pool\'s');
    const [, reserve] = multicall(allocation.transaction.calldata);
    const allocated = parsed.getByPath('JobAllocated');
    const reserved = parsed.getByPath('WorkerReserved');
    assert.equal(allocated.worker_id.value, reserve.args[0]);
    assert.equal(reserved.worker_id.value, reserve.args[0]);
    assert.equal(reserved.job_id.value, allocated.job_id.value);
    assert.equal(reserved.duration, reserve.args[3]);
  });

  it('events from getEvents decode to the same values as the receipts\' events', async () => {
    const submitted = [];
    let token;
    do {
      const page = await provider.getEvents({
        from_block: { block_number: 0 }, to_block: 'latest', address: settings.JobManagerAddress,
        keys: [[hash.getSelectorFromName('JobSubmitted')]], chunk_size: 64, continuation_token: token,
      });
      submitted.push(...page.events);
      token = page.continuation_token;
    } while (token);
    assert.equal(submitted.length, state.counts.eventsByName.JobSubmitted);
    const decoded = contracts[felt(settings.JobManagerAddress)].decode(submitted);
    const jobIds = decoded.map((e) => e['ciro_monitor::job_manager::JobManager::JobSubmitted'].job_id);
    assert.deepEqual(jobIds, Array.from({ length: submitted.length }, (_, i) => BigInt(i + 1)));
    assert.equal(jobIds.at(-1), BigInt(state.jobs.submitted));
    decoded.forEach((e, i) => {
      assert.equal(e.block_number, submitted[i].block_number);
      assert.equal(e.transaction_hash, submitted[i].transaction_hash);
    });
  });
});
