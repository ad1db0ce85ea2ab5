// The simulator's transactions read independently of their events (the account's multicall calldata) and one
// check per event kind it emits: decoded fields against the calldata of the call that emitted the event, the
// sender, the receipt's fee, the block's sequencer and time, and earlier events of the same job or worker.
import assert from 'node:assert/strict';
import { hash, shortString } from 'starknet';
import { abis, decoderFor, eventPaths, feltCount, shortName } from './abi.js';
import { settings } from './simulator.js';

const felt = (v) => BigInt(v);
const u256 = (low, high) => felt(low) + (felt(high) << 128n);

const functions = ['submit_ai_job', 'allocate_job', 'reserve_worker', 'assign_job_to_worker', 'submit_job_result',
  'distribute_rewards', 'release_worker', 'register_worker', 'stake', 'request_unstake', 'complete_unstake',
  'deactivate_worker', 'reactivate_worker', 'register_model', 'transfer'];
const functionBySelector = new Map(functions.map((f) => [felt(hash.getSelectorFromName(f)), f]));

/** An account's __execute__ calldata (Cairo 1 multicall): [n_calls, (to, selector, len, args…)…]. */
export function multicall(calldata) {
  const felts = calldata.map(felt);
  const calls = [];
  let i = 1;
  for (let c = 0n; c < felts[0]; c++) {
    const [to, selector, len] = felts.slice(i, i + 3);
    calls.push({ to, selector, name: functionBySelector.get(selector), args: felts.slice(i + 3, i + 3 + Number(len)) });
    i += 3 + Number(len);
  }
  assert.equal(i, felts.length, 'multicall calldata is consumed exactly');
  return calls;
}

function expectCall(call, name, contract) {
  assert.ok(call, `no call emitted this event (expected ${name})`);
  assert.equal(call.name, name, `emitted by ${call.name ?? call.selector.toString(16)}, expected ${name}`);
  assert.equal(call.to, felt(contract), `${name} called on the wrong contract`);
}

/**
 * One check per event kind the simulator emits, run in chain order with a ledger of what earlier events said.
 * A simulator that starts emitting another ABI event (monitor, MetricsRegistry) gets its check added here; the
 * coverage test in events.test.js fails until it is.
 */
export const checks = {
  Transfer: ({ ev, call, tx, receipt, block, isFee }) => {
    assert.equal(ev.from, felt(tx.sender_address), 'Transfer.from is the sender');
    if (isFee) {
      assert.equal(ev.to, felt(block.sequencer_address), 'the fee goes to the sequencer');
      assert.equal(ev.value, felt(receipt.actual_fee.amount), 'the fee Transfer carries actual_fee');
    } else {
      expectCall(call, 'transfer', settings.FeeTokenAddress);
      assert.equal(ev.to, call.args[0]);
      assert.equal(ev.value, u256(call.args[1], call.args[2]));
    }
  },
  JobSubmitted: ({ ev, call, tx, ledger }) => {
    expectCall(call, 'submit_ai_job', settings.JobManagerAddress);
    assert.equal(ev.job_id, ledger.nextJob++, 'job ids count up from 1');
    assert.equal(ev.client, felt(tx.sender_address));
    assert.equal(ev.payment, u256(call.args[3], call.args[4]));
    ledger.jobs.set(ev.job_id, { payment: ev.payment });
  },
  JobAllocated: ({ ev, call, calls, index, block }) => {
    expectCall(call, 'allocate_job', settings.CdcPoolAddress);
    assert.equal(ev.job_id.value, u256(call.args[0], call.args[1]));
    const reserve = calls[index + 1];
    expectCall(reserve, 'reserve_worker', settings.CdcPoolAddress);
    assert.equal(ev.worker_id.value, reserve.args[0], 'allocated to the worker the same multicall reserves');
    assert.ok(ev.confidence_score >= 70n && ev.confidence_score <= 99n, `confidence ${ev.confidence_score}`);
    const t = BigInt(block.timestamp);
    assert.ok(ev.estimated_completion >= t + 20n && ev.estimated_completion <= t + 120n, `estimated_completion ${ev.estimated_completion} vs block time ${t}`);
  },
  WorkerReserved: ({ ev, call }) => {
    expectCall(call, 'reserve_worker', settings.CdcPoolAddress);
    assert.equal(ev.worker_id.value, call.args[0]);
    assert.equal(ev.job_id.value, u256(call.args[1], call.args[2]));
    assert.equal(ev.duration, call.args[3]);
  },
  JobAssigned: ({ ev, call, ledger }) => {
    expectCall(call, 'assign_job_to_worker', settings.JobManagerAddress);
    assert.equal(ev.job_id, u256(call.args[0], call.args[1]));
    assert.ok(ledger.workers.has(call.args[2]), `worker id ${call.args[2]} was registered`);
    assert.equal(ev.worker, ledger.workers.get(call.args[2]), 'JobAssigned.worker is the owner of the assigned worker id');
    ledger.jobs.get(ev.job_id).worker = ev.worker;
  },
  JobCompleted: ({ ev, call, tx, ledger }) => {
    expectCall(call, 'submit_job_result', settings.JobManagerAddress);
    assert.equal(ev.job_id, u256(call.args[0], call.args[1]));
    assert.equal(ev.worker, felt(tx.sender_address), 'the worker submits its own result');
    assert.equal(ledger.jobs.get(ev.job_id).worker, ev.worker, 'completed by the worker it was assigned to');
    ledger.jobs.get(ev.job_id).completed = true;
  },
  PaymentReleased: ({ ev, call, ledger }) => {
    expectCall(call, 'distribute_rewards', settings.JobManagerAddress);
    assert.equal(ev.job_id, u256(call.args[0], call.args[1]));
    const job = ledger.jobs.get(ev.job_id);
    assert.ok(job.completed, 'paid after JobCompleted');
    assert.equal(ev.worker, job.worker);
    assert.equal(ev.amount, (job.payment / 10n) * 9n, 'the worker gets 90% of the payment');
  },
  WorkerReleased: ({ ev, call, ledger }) => {
    expectCall(call, 'release_worker', settings.CdcPoolAddress);
    assert.equal(ev.worker_id.value, call.args[0]);
    assert.equal(ev.job_id.value, u256(call.args[1], call.args[2]));
    assert.ok(!ledger.jobs.get(ev.job_id.value).completed, 'only a job that did not complete releases its worker');
  },
  WorkerRegistered: ({ ev, call, tx, ledger }) => {
    expectCall(call, 'register_worker', settings.CdcPoolAddress);
    assert.equal(ev.owner, felt(tx.sender_address));
    const [gpu_memory, cpu_cores, ram, storage, bandwidth, capability_flags, gpu_model, cpu_model] = call.args;
    assert.deepEqual(ev.capabilities, { gpu_memory, cpu_cores, ram, storage, bandwidth, capability_flags, gpu_model, cpu_model });
    assert.equal(shortString.decodeShortString(`0x${ev.capabilities.cpu_model.toString(16)}`), 'EPYC-9654');
    assert.equal(ev.stake_amount, 0n, 'the contract emits stake_amount 0');
    assert.ok(!ledger.workers.has(ev.worker_id.value), 'a worker id registers once');
    ledger.workers.set(ev.worker_id.value, ev.owner);
  },
  StakeAdded: ({ ev, call, tx, ledger }) => {
    expectCall(call, 'stake', settings.CdcPoolAddress);
    assert.equal(ev.worker, felt(tx.sender_address));
    assert.equal(ev.amount, u256(call.args[0], call.args[1]));
    const total = (ledger.stakes.get(ev.worker) ?? 0n) + ev.amount;
    assert.equal(ev.total_stake, total, 'total_stake is the running sum of stakes less executed unstakes');
    ledger.stakes.set(ev.worker, total);
  },
  UnstakeRequested: ({ ev, call, tx, block, ledger }) => {
    expectCall(call, 'request_unstake', settings.CdcPoolAddress);
    assert.equal(ev.worker, felt(tx.sender_address));
    assert.equal(ev.amount, u256(call.args[0], call.args[1]));
    assert.equal(ev.unlock_time, BigInt(block.timestamp) + 7n * 86_400n, 'unlocks a week after the request');
    ledger.unstakes.set(ev.worker, ev.amount);
  },
  UnstakeExecuted: ({ ev, call, tx, ledger }) => {
    expectCall(call, 'complete_unstake', settings.CdcPoolAddress);
    assert.equal(ev.worker, felt(tx.sender_address));
    assert.equal(ev.amount, ledger.unstakes.get(ev.worker), 'executes the amount requested');
    ledger.unstakes.delete(ev.worker);
    ledger.stakes.set(ev.worker, ledger.stakes.get(ev.worker) - ev.amount);
  },
  WorkerDeactivated: ({ ev, call, ledger }) => {
    expectCall(call, 'deactivate_worker', settings.CdcPoolAddress);
    assert.equal(ev.worker_id.value, call.args[0]);
    assert.equal(ev.reason, call.args[1]);
    assert.equal(shortString.decodeShortString(`0x${ev.reason.toString(16)}`), 'maintenance');
    ledger.inactive.add(ev.worker_id.value);
  },
  WorkerReactivated: ({ ev, call, ledger }) => {
    expectCall(call, 'reactivate_worker', settings.CdcPoolAddress);
    assert.equal(ev.worker_id.value, call.args[0]);
    assert.ok(ledger.inactive.delete(ev.worker_id.value), 'only a deactivated worker is reactivated');
  },
  ModelRegistered: ({ ev, call, tx, ledger }) => {
    expectCall(call, 'register_model', settings.JobManagerAddress);
    assert.equal(ev.model_id, ledger.nextModel++, 'model ids count up from 1');
    assert.equal(ev.owner, felt(tx.sender_address));
  },
};

/** The emitters the simulator uses, by address, each with a starknet.js decoder for its ABI. */
export const contracts = {
  [felt(settings.JobManagerAddress)]: { name: 'JobManager', ...decoderFor(abis.JobManager) },
  [felt(settings.CdcPoolAddress)]: { name: 'CDCPool', ...decoderFor(abis.CDCPool) },
  [felt(settings.FeeTokenAddress)]: { name: 'FeeToken', ...decoderFor(abis.FeeToken) },
};

/**
 * Decodes every event of these blocks (getBlockWithReceipts answers, in chain order) with starknet.js and runs
 * the check of its kind. Returns counts per block and per kind, failed checks by kind, and decoding failures
 * (unknown emitter or selector, keys/data not exactly the ABI's layout, an unexpected number of events).
 */
export function checkChain(blocks) {
  const decodedByBlock = [];
  const seen = {};
  const failures = {};
  const decodeFailures = [];
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
  return { decodedByBlock, seen, failures, decodeFailures };
}
