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
  'deactivate_worker', 'reactivate_worker', 'register_model', 'transfer',
  // the instrumented contracts' and the MetricsRegistry's own entry points
  'fail_job', 'set_sample_rate', 'set_registry', 'flush_calls', 'approve_reporter', 'push_worker_sample', 'pause', 'unpause'];
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
  if (contract !== undefined) assert.equal(call.to, felt(contract), `${name} called on the wrong contract`);
}

/** Which calls may emit each event kind (a call emits each kind at most once), and the event a successful call
 *  of each function must emit. The monitor's events follow their call's business event, as the hooks run last. */
const emittedBy = {
  Transfer: ['transfer'],
  JobSubmitted: ['submit_ai_job'],
  JobAllocated: ['allocate_job'],
  WorkerReserved: ['reserve_worker'],
  JobAssigned: ['assign_job_to_worker'],
  JobCompleted: ['submit_job_result'],
  PaymentReleased: ['distribute_rewards'],
  WorkerReleased: ['release_worker'],
  WorkerRegistered: ['register_worker'],
  StakeAdded: ['stake'],
  UnstakeRequested: ['request_unstake'],
  UnstakeExecuted: ['complete_unstake'],
  WorkerDeactivated: ['deactivate_worker'],
  WorkerReactivated: ['reactivate_worker'],
  ModelRegistered: ['register_model'],
  CallSampled: ['submit_ai_job', 'distribute_rewards', 'register_worker', 'stake', 'request_unstake', 'complete_unstake'],
  JobSampled: ['allocate_job', 'assign_job_to_worker', 'submit_job_result', 'fail_job'],
  SampleRateChanged: ['set_sample_rate'],
  RegistrySet: ['set_registry'],
  CallsFlushed: ['flush_calls'],
  MonitorError: ['flush_calls'],
  CallSamplePushed: ['flush_calls'],
  WorkerSamplePushed: ['push_worker_sample'],
  RoleGranted: ['approve_reporter'],
  ReporterApproved: ['approve_reporter'],
  Paused: ['pause'],
  Unpaused: ['unpause'],
};
const mustEmit = Object.fromEntries(Object.entries(emittedBy)
  .filter(([name, fns]) => fns.length === 1 && name !== 'CallSamplePushed' && name !== 'RoleGranted')
  .map(([name, [fn]]) => [fn, [name]]));
mustEmit.flush_calls = ['CallsFlushed', 'MonitorError'];

const MASK_128 = (1n << 128n) - 1n;
const monitored = () => [felt(settings.JobManagerAddress), felt(settings.CdcPoolAddress)];
const registry = () => felt(settings.MetricsRegistryAddress);
const bucketKey = (contract, selector, hour) => `${contract}:${selector}:${hour}`;
const addToBucket = (ledger, contract, selector, timestamp, rate) => {
  const key = bucketKey(contract, selector, timestamp / 3600n);
  ledger.buckets.set(key, (ledger.buckets.get(key) ?? 0n) + rate);
  return ledger.buckets.get(key);
};
const jobArgs = { allocate_job: 0, assign_job_to_worker: 0, submit_job_result: 0, fail_job: 0 };
const stageOf = { allocate_job: 0n, assign_job_to_worker: 0n, submit_job_result: 1n, fail_job: 2n };

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
  // The performance monitor (contracts/src/utils/performance.cairo), replayed from the calls: rate, keys, buckets.
  CallSampled: ({ ev, call, receipt, block, from, ledger }) => {
    assert.ok(emittedBy.CallSampled.includes(call.name), `CallSampled from ${call.name}`);
    assert.equal(call.to, from, 'the monitored contract that was called emits it');
    assert.equal(ev.selector, call.selector, 'the selector of the sampled call');
    const rate = ledger.rates.get(from);
    assert.equal(ev.sample_rate, rate, 'the rate in force');
    // JobManager samples on the job id, CDCPool on the transaction hash's low 128 bits.
    const key = from === felt(settings.JobManagerAddress)
      ? (call.name === 'submit_ai_job' ? ledger.nextJob - 1n : u256(call.args[0], call.args[1]))
      : felt(receipt.transaction_hash) & MASK_128;
    assert.equal(key % rate, 0n, `key ${key} is not 1 in ${rate}`);
    assert.equal(ev.block_number, BigInt(block.block_number));
    assert.equal(ev.block_timestamp, BigInt(block.timestamp));
    assert.equal(ev.hour_count, addToBucket(ledger, from, ev.selector, BigInt(block.timestamp), rate), 'hour_count adds the rate');
  },
  JobSampled: ({ ev, call, calls, index, block, from, ledger }) => {
    assert.ok(emittedBy.JobSampled.includes(call.name), `JobSampled from ${call.name}`);
    assert.equal(call.to, from);
    const jobId = u256(call.args[jobArgs[call.name]], call.args[jobArgs[call.name] + 1]);
    assert.equal(ev.job_id, jobId, 'the job of the call');
    assert.equal(ev.stage, stageOf[call.name], 'stage 0 assigned, 1 completed, 2 failed');
    const rate = ledger.rates.get(from);
    assert.equal(ev.sample_rate, rate);
    assert.equal(jobId % rate, 0n, `job ${jobId} is not 1 in ${rate}`);
    const worker = from === felt(settings.CdcPoolAddress) ? calls[index + 1].args[0] : ledger.jobs.get(jobId).worker;
    assert.equal(ev.worker, worker, 'CDCPool keys workers by WorkerId, JobManager by address');
    const now = BigInt(block.timestamp);
    const jobKey = `${from}:${jobId}`;
    if (ev.stage === 0n) {
      assert.equal(ev.duration, 0n);
      ledger.assignedAt.set(jobKey, now);
    } else {
      const start = ledger.assignedAt.get(jobKey);
      assert.equal(ev.duration, start === undefined ? 0n : now - start, 'duration from the sampled assignment');
    }
    addToBucket(ledger, from, call.selector, now, rate);
    if (from === felt(settings.JobManagerAddress)) {
      const s = ledger.workerStats.get(ev.worker) ?? { assigned: 0n, completed: 0n, failed: 0n, total_duration: 0n };
      if (ev.stage === 0n) s.assigned += rate;
      else if (ev.stage === 1n) s.completed += rate;
      else s.failed += rate;
      if (ev.stage !== 0n) s.total_duration += ev.duration * rate;
      ledger.workerStats.set(ev.worker, s);
    }
  },
  SampleRateChanged: ({ ev, call, from, ledger }) => {
    expectCall(call, 'set_sample_rate');
    assert.equal(call.to, from);
    assert.equal(ev.old_rate, ledger.rates.get(from));
    assert.equal(ev.new_rate, call.args[0]);
    ledger.rates.set(from, ev.new_rate);
  },
  RegistrySet: ({ ev, call, from }) => {
    expectCall(call, 'set_registry');
    assert.ok(monitored().includes(from));
    assert.equal(call.to, from);
    assert.equal(ev.registry, call.args[0]);
    assert.equal(ev.registry, registry());
  },
  CallSamplePushed: ({ ev, call, from, ledger }) => {
    expectCall(call, 'flush_calls');
    assert.equal(from, registry(), 'the registry emits it, inside the flush');
    assert.equal(ev.reporter, call.to, 'the monitored contract reports itself');
    assert.equal(ev.selector, call.args[0]);
    assert.equal(ev.hour, call.args[1]);
    assert.equal(ev.count, ledger.buckets.get(bucketKey(call.to, ev.selector, ev.hour)), 'the hour\'s bucket');
  },
  CallsFlushed: ({ ev, call, block, from, ledger }) => {
    expectCall(call, 'flush_calls');
    assert.equal(call.to, from);
    assert.equal(ev.selector, call.args[0]);
    assert.equal(ev.hour, call.args[1]);
    assert.equal(ev.hour, BigInt(block.timestamp) / 3600n - 1n, 'the keeper flushes the hour that just ended');
    assert.equal(ev.count, ledger.buckets.get(bucketKey(from, ev.selector, ev.hour)));
    assert.equal(ev.registry, registry());
    assert.ok(!ledger.paused, 'a paused registry cannot take a flush');
  },
  MonitorError: ({ ev, call, from, ledger }) => {
    expectCall(call, 'flush_calls');
    assert.equal(call.to, from);
    assert.equal(shortString.decodeShortString(`0x${ev.code.toString(16)}`), 'FLUSH_FAILED');
    assert.equal(ev.context, call.args[0], 'the selector whose flush failed');
    assert.ok(ledger.paused, 'the flush failed because the registry is paused');
  },
  WorkerSamplePushed: ({ ev, call, tx, from, ledger }) => {
    expectCall(call, 'push_worker_sample', settings.MetricsRegistryAddress);
    assert.equal(from, registry());
    assert.equal(ev.reporter, felt(tx.sender_address), 'the keeper is the reporter');
    assert.equal(ev.worker, call.args[0]);
    const [assigned, completed, failed, total_duration] = call.args.slice(1, 5);
    assert.deepEqual({ assigned: ev.assigned, completed: ev.completed, failed: ev.failed, total_duration: ev.total_duration },
      { assigned, completed, failed, total_duration });
    assert.deepEqual(ledger.workerStats.get(ev.worker), { assigned, completed, failed, total_duration },
      'the JobManager monitor\'s stats, replayed from its JobSampled events');
  },
  RoleGranted: ({ ev, call, tx, from }) => {
    expectCall(call, 'approve_reporter', settings.MetricsRegistryAddress);
    assert.equal(from, registry());
    assert.equal(ev.role, felt(hash.getSelectorFromName('REPORTER_ROLE')));
    assert.equal(ev.account, call.args[0]);
    assert.equal(ev.sender, felt(tx.sender_address));
  },
  ReporterApproved: ({ ev, call, tx }) => {
    expectCall(call, 'approve_reporter', settings.MetricsRegistryAddress);
    assert.equal(ev.reporter, call.args[0]);
    assert.equal(ev.approved_by, felt(tx.sender_address));
    assert.ok([...monitored(), felt(tx.sender_address)].includes(ev.reporter), 'the monitored contracts and the keeper report');
  },
  Paused: ({ ev, call, tx, ledger }) => {
    expectCall(call, 'pause', settings.MetricsRegistryAddress);
    assert.equal(ev.account, felt(tx.sender_address));
    ledger.paused = true;
  },
  Unpaused: ({ ev, call, tx, ledger }) => {
    expectCall(call, 'unpause', settings.MetricsRegistryAddress);
    assert.equal(ev.account, felt(tx.sender_address));
    ledger.paused = false;
  },
};

/** The emitters the simulator uses, by address, each with a starknet.js decoder for its ABI. */
export const contracts = {
  [felt(settings.JobManagerAddress)]: { name: 'JobManager', ...decoderFor(abis.JobManager) },
  [felt(settings.CdcPoolAddress)]: { name: 'CDCPool', ...decoderFor(abis.CDCPool) },
  [felt(settings.FeeTokenAddress)]: { name: 'FeeToken', ...decoderFor(abis.FeeToken) },
  [felt(settings.MetricsRegistryAddress)]: { name: 'MetricsRegistry', ...decoderFor(abis.MetricsRegistry) },
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
    rates: new Map(monitored().map((c) => [c, BigInt(settings.MonitorSampleRate)])),
    buckets: new Map(), assignedAt: new Map(), workerStats: new Map(), paused: false,
  };
  for (const block of blocks) {
    const counts = {};
    decodedByBlock[block.block_number] = counts;
    for (const { transaction: tx, receipt } of block.transactions) {
      const calls = multicall(tx.calldata);
      const reverted = receipt.execution_status === 'REVERTED';
      // A reverted transaction keeps only its fee Transfer; every transaction ends with it.
      if (reverted && receipt.events.length !== 1) {
        decodeFailures.push(`${receipt.transaction_hash}: ${receipt.events.length} events in a reverted transaction`);
      }
      // Each event belongs to the first call at or after the previous event's that may emit it and has not yet.
      const emitted = calls.map(() => new Set());
      let cursor = 0;
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
        const isFee = index === receipt.events.length - 1;
        let callIndex;
        if (!isFee) {
          callIndex = calls.findIndex((c, i) => i >= cursor && (emittedBy[name] ?? []).includes(c.name) && !emitted[i].has(name));
          if (callIndex < 0) {
            decodeFailures.push(`${where} ${name}: no call of ${calls.map((c) => c.name).join(',')} from #${cursor} emits it`);
            return;
          }
          emitted[callIndex].add(name);
          cursor = callIndex;
        }
        const check = checks[name];
        if (!check) return;
        try {
          check({
            ev: parsed[0][fullName], call: isFee ? undefined : calls[callIndex], calls, index: callIndex, tx, receipt, block, ledger, isFee,
            from: felt(event.from_address),
          });
        } catch (e) {
          (failures[name] ??= []).length < 5 && failures[name].push(`${where}: ${e.message}`);
        }
      });
      if (!reverted) {
        calls.forEach((c, i) => {
          const required = mustEmit[c.name];
          if (required && !required.some((n) => emitted[i].has(n))) {
            decodeFailures.push(`${receipt.transaction_hash}: call ${i} (${c.name}) emitted none of ${required.join(', ')}`);
          }
        });
      }
    }
  }
  return { decodedByBlock, seen, failures, decodeFailures };
}
