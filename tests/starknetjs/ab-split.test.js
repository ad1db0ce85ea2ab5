// The ab-split scenario read by starknet.js: JobManager B appears in a state update with the variant class, and every
// event it emits decodes with the JobManager ABI (contracts/abi/JobManager.abi.json), keyed to the job of the call
// that emitted it, a call to B; the job counts per arm equal the scenario's truth in /admin/state.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RpcProvider } from 'starknet';
import { abis, decoderFor, shortName } from './support/abi.js';
import { multicall } from './support/event-checks.js';
import { settings, startSimulator } from './support/simulator.js';

const felt = (v) => BigInt(v);
const jobManager = decoderFor(abis.JobManager);
// The business event each JobManager call of a job emits (the monitor's JobSampled/CallSampled may follow it).
const eventOf = { submit_ai_job: 'JobSubmitted', assign_job_to_worker: 'JobAssigned', submit_job_result: 'JobCompleted', distribute_rewards: 'PaymentReleased' };

describe('starknet.js reads the ab-split scenario (two JobManager deployments sharing jobs)', () => {
  let sim;
  let provider;
  let truth;
  let effects;
  let blocks;
  const splitFrom = settings.PregenerateBlocks + 1;

  before(async () => {
    sim = await startSimulator();
    provider = await RpcProvider.create({ nodeUrl: sim.rpcUrl });
    await sim.adminPost('/scenario', { name: 'ab-split', parameters: { gasReduction: 0.25 } });
    truth = (await sim.admin('/scenario')).chain.parameters.truth;
    await sim.adminPost('/advance', { blocks: 20 });
    // Jobs already split finish on their arm's deployment after the scenario ends.
    await sim.adminPost('/scenario', { name: 'steady' });
    await sim.adminPost('/advance', { blocks: 8 });
    effects = (await sim.admin('/state')).effects;
    blocks = [];
    for (let n = splitFrom; n <= splitFrom + 27; n++) blocks.push(await provider.getBlockWithReceipts(n));
  });

  after(async () => {
    await sim?.stop();
  });

  it('the truth: B\'s address and class, a 25% cut of submit_job_result\'s 2,000,000 base L2 gas, a planned 50/50 split', () => {
    assert.equal(felt(truth.contractA), felt(settings.JobManagerAddress));
    assert.notEqual(felt(truth.contractB), felt(settings.JobManagerAddress));
    assert.equal(truth.function, 'submit_job_result');
    assert.equal(truth.l2GasDifferencePerCall, -500000);
    assert.equal(truth.treatmentShare, 0.5);
  });

  it('getStateUpdate deploys B with the variant class at the scenario\'s first block; getClass says Sierra 1.7.0', async () => {
    const update = await provider.getStateUpdate(splitFrom);
    const deployed = update.state_diff.deployed_contracts.find((d) => felt(d.address) === felt(truth.contractB));
    assert.ok(deployed, 'B deployed');
    assert.equal(felt(deployed.class_hash), felt(truth.classHashB));
    assert.equal(felt(await provider.getClassHashAt(truth.contractB, 'latest')), felt(truth.classHashB));
    assert.equal(felt(await provider.getClassHashAt(settings.JobManagerAddress, 'latest')), felt(truth.classHashA));
    const variant = await provider.getClass(truth.classHashB, 'latest');
    assert.deepEqual(variant.sierra_program.slice(0, 6).map((f) => Number(felt(f))), [1, 7, 0, 2, 12, 0]);
    assert.ok(variant.entry_points_by_type.EXTERNAL.length > 0, 'B has JobManager\'s entry points');
  });

  it('every event B emits decodes with the JobManager ABI and belongs to a call to B of the same job; counts equal the truth', () => {
    const seen = {};
    const failures = [];
    const jobsOnB = new Set();
    for (const block of blocks) {
      for (const { transaction: tx, receipt } of block.transactions) {
        const calls = multicall(tx.calldata);
        for (const event of receipt.events.filter((e) => felt(e.from_address) === felt(truth.contractB))) {
          const parsed = jobManager.decode([event]);
          if (parsed.length !== 1) {
            failures.push(`${receipt.transaction_hash}: JobManager's ABI has no event with keys[0] ${event.keys[0]}`);
            continue;
          }
          const [fullName] = Object.keys(parsed[0]).filter((k) => k.includes('::'));
          const name = shortName(fullName);
          seen[name] = (seen[name] ?? 0) + 1;
          const ev = parsed[0][fullName];
          if (!Object.values(eventOf).includes(name)) continue; // the monitor's own events
          const call = calls.find((c) => eventOf[c.name] === name);
          if (!call || call.to !== felt(truth.contractB)) {
            failures.push(`${receipt.transaction_hash} ${name}: not emitted by a call to B`);
          } else if (name !== 'JobSubmitted' && felt(ev.job_id) !== call.args[0] + (call.args[1] << 128n)) {
            // submit_ai_job's arguments are the model, input and payment: the contract numbers the job.
            failures.push(`${receipt.transaction_hash} ${name}: job ${ev.job_id}, the call's is ${call.args[0]}`);
          }
          if (name === 'JobSubmitted') jobsOnB.add(felt(ev.job_id));
        }
        // A job lives on one arm: no call to A for a job B holds.
        for (const c of calls.filter((c) => eventOf[c.name] && c.to === felt(settings.JobManagerAddress))) {
          if (jobsOnB.has(c.args[0])) failures.push(`${receipt.transaction_hash}: ${c.name} of B's job ${c.args[0]} sent to A`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(seen.JobSubmitted, effects['ab-split.jobsB']);
    assert.equal(seen.JobCompleted, effects['ab-split.resultsB']);
    assert.ok(seen.JobAssigned > 0 && seen.PaymentReleased > 0, JSON.stringify(seen));
    const share = effects['ab-split.jobsB'] / (effects['ab-split.jobsA'] + effects['ab-split.jobsB']);
    assert.ok(share > 0.25 && share < 0.75, `B got ${share} of ${effects['ab-split.jobsA'] + effects['ab-split.jobsB']} jobs`);
  });
});
