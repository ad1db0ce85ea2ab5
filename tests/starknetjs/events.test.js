// Every event the chain simulator emits, decoded by starknet.js with the emitting contract's ABI
// (contracts/abi/*.json; the fee token's OpenZeppelin ERC20 Transfer) and checked field by field against what the
// chain itself says independently of the event (support/event-checks.js).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Contract, RpcProvider, hash } from 'starknet';
import { abis, decoderFor, eventPaths, feltCount, shortName } from './support/abi.js';
import { checks, multicall } from './support/event-checks.js';
import { settings, startSimulator } from './support/simulator.js';

const felt = (v) => BigInt(v);

const contracts = {
  [felt(settings.JobManagerAddress)]: { name: 'JobManager', ...decoderFor(abis.JobManager) },
  [felt(settings.CdcPoolAddress)]: { name: 'CDCPool', ...decoderFor(abis.CDCPool) },
  [felt(settings.FeeTokenAddress)]: { name: 'FeeToken', ...decoderFor(abis.FeeToken) },
};

describe('starknet.js decodes every event the chain simulator emits', () => {
  let sim;
  let provider;
  let state;
  let truth;
  let blocks;
  const decodedByBlock = []; // short name → count, per block number
  const seen = {}; // short name → events checked
  const failures = {}; // short name → first messages of failed checks
  const decodeFailures = [];

  before(async () => {
    sim = await startSimulator();
    // A few congested blocks (30 transactions each, the CIRO ones included) add other users' STRK transfers:
    // Transfer events that are not fees.
    await sim.adminPost('/scenario', { name: 'congestion', parameters: { transactions: 30 } });
    await sim.adminPost('/advance', { blocks: 3 });
    await sim.adminPost('/scenario', { name: 'steady' });
    provider = await RpcProvider.create({ nodeUrl: sim.rpcUrl });
    state = await sim.admin('/state');
    truth = [];
    blocks = [];
    for (let n = 0; n <= state.head.number; n++) {
      truth.push(await sim.admin(`/blocks/${n}`));
      blocks.push(await provider.getBlockWithReceipts(n));
    }

    const ledger = {
      nextJob: 1n, nextModel: 1n, jobs: new Map(), workers: new Map(), stakes: new Map(), unstakes: new Map(), inactive: new Set(),
    };
    for (const block of blocks) {
      const counts = {};
      decodedByBlock[block.block_number] = counts;
      for (const { transaction: tx, receipt } of block.transactions) {
        const calls = multicall(tx.calldata);
        const reverted = receipt.execution_status === 'REVERTED';
        // Each call of a successful transaction emits one event, and every transaction ends with its fee Transfer.
        const expectedEvents = reverted ? 1 : calls.length + 1;
        if (receipt.events.length !== expectedEvents) {
          decodeFailures.push(`${receipt.transaction_hash}: ${receipt.events.length} events for ${calls.length} calls (reverted: ${reverted})`);
        }
        receipt.events.forEach((event, index) => {
          const contract = contracts[felt(event.from_address)];
          const where = `block ${block.block_number} tx ${receipt.transaction_hash} event ${index}`;
          if (!contract) {
            decodeFailures.push(`${where}: emitter ${event.from_address} is none of our contracts`);
            return;
          }
          const parsed = contract.decode([event]);
          if (parsed.length !== 1) {
            decodeFailures.push(`${where}: ${contract.name}'s ABI has no event with keys[0] ${event.keys[0]}`);
            return;
          }
          const [fullName] = Object.keys(parsed[0]).filter((k) => k.includes('::'));
          const name = shortName(fullName);
          const path = eventPaths(contract.abi).find((p) => p.event.name === fullName);
          const keyFelts = path.selectors.length + path.event.members.filter((m) => m.kind === 'key').reduce((s, m) => s + feltCount(contract.abi, m.type), 0);
          const dataFelts = path.event.members.filter((m) => m.kind === 'data').reduce((s, m) => s + feltCount(contract.abi, m.type), 0);
          if (event.keys.length !== keyFelts || event.data.length !== dataFelts) {
            decodeFailures.push(`${where} ${name}: ${event.keys.length} keys and ${event.data.length} data felts, the ABI lays out ${keyFelts} and ${dataFelts}`);
          }
          counts[name] = (counts[name] ?? 0) + 1;
          seen[name] = (seen[name] ?? 0) + 1;
          const check = checks[name];
          if (!check) return;
          const isFee = index === receipt.events.length - 1;
          try {
            check({ ev: parsed[0][fullName], call: isFee ? undefined : calls[index], calls, index, tx, receipt, block, ledger, isFee });
          } catch (e) {
            (failures[name] ??= []).length < 5 && failures[name].push(`${where}: ${e.message}`);
          }
        });
      }
    }
  });

  after(async () => {
    await sim?.stop();
  });

  it('every event decodes with its emitter\'s ABI, the ABI\'s layout uses every key and data felt, counts per block equal /admin/blocks', () => {
    assert.deepEqual(decodeFailures, []);
    for (const t of truth) assert.deepEqual(decodedByBlock[t.number], t.eventsByName, `block ${t.number}`);
    assert.deepEqual(seen, state.counts.eventsByName);
  });

  it('every event kind the simulator reports has a field check here', () => {
    const unchecked = Object.keys(state.counts.eventsByName).filter((name) => !checks[name]);
    assert.deepEqual(unchecked, [], 'add a check for these kinds to support/event-checks.js');
  });

  for (const name of Object.keys(checks)) {
    it(`${name}: decoded fields equal the chain's own record`, () => {
      assert.ok(seen[name] > 0, `the chain holds no ${name} event: nothing was checked`);
      assert.equal(seen[name], state.counts.eventsByName[name]);
      assert.deepEqual(failures[name] ?? [], []);
    });
  }

  it('fee and non-fee Transfers both occur (the congestion blocks add transfers between users)', () => {
    const nonFee = blocks.flatMap((b) => b.transactions).filter((x) => multicall(x.transaction.calldata).some((c) => c.name === 'transfer'));
    assert.ok(nonFee.length >= 3, `${nonFee.length} user transfers`);
    assert.equal(state.counts.eventsByName.Transfer, state.counts.transactions + nonFee.length);
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
