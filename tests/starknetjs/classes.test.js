// starknet.js reads the simulator's class information: state updates (contracts deployed at genesis, a class
// replaced by the upgrade scenario), getClassHashAt before and after the upgrade, and getClass with the Sierra and
// compiler versions at the start of its sierra_program.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RpcError, RpcProvider } from 'starknet';
import { settings, startSimulator } from './support/simulator.js';

const felt = (v) => BigInt(v);

describe('starknet.js reads contract classes from the chain simulator', () => {
  let sim;
  let provider;
  let upgradeBlock;

  before(async () => {
    sim = await startSimulator({ PregenerateBlocks: 10 });
    provider = await RpcProvider.create({ nodeUrl: sim.rpcUrl });
    await sim.adminPost('/scenario', { name: 'upgrade', parameters: { contract: 'JobManager', function: 'submit_job_result', gasFactor: 0.8 } });
    await sim.adminPost('/advance', { blocks: 3 });
    upgradeBlock = 11;
  });

  after(async () => {
    await sim?.stop();
  });

  it('getStateUpdate: block 0 deploys the four contracts, the upgrade block replaces JobManager\'s class', async () => {
    const genesis = await provider.getStateUpdate(0);
    const deployed = genesis.state_diff.deployed_contracts.map((d) => felt(d.address));
    for (const address of [settings.JobManagerAddress, settings.CdcPoolAddress, settings.FeeTokenAddress, settings.MetricsRegistryAddress]) {
      assert.ok(deployed.includes(felt(address)), `${address} deployed at genesis`);
    }
    const update = await provider.getStateUpdate(upgradeBlock);
    assert.equal(update.state_diff.replaced_classes.length, 1);
    const [replaced] = update.state_diff.replaced_classes;
    assert.equal(felt(replaced.contract_address), felt(settings.JobManagerAddress));
    const before = await provider.getClassHashAt(settings.JobManagerAddress, upgradeBlock - 1);
    const after = await provider.getClassHashAt(settings.JobManagerAddress, upgradeBlock);
    assert.notEqual(felt(before), felt(after));
    assert.equal(felt(after), felt(replaced.class_hash));
    const initial = genesis.state_diff.deployed_contracts.find((d) => felt(d.address) === felt(settings.JobManagerAddress));
    assert.equal(felt(before), felt(initial.class_hash));
    const nonces = update.state_diff.nonces;
    assert.ok(nonces.length > 0 && nonces.every((n) => felt(n.nonce) > 0n), 'senders\' nonces');
  });

  it('getClass: Sierra 1.6.0 / compiler 2.8.2 before the upgrade, 1.7.0 / 2.12.0 after; entry points are the contract\'s selectors', async () => {
    const before = await provider.getClassAt(settings.JobManagerAddress, upgradeBlock - 1);
    const after = await provider.getClass(await provider.getClassHashAt(settings.JobManagerAddress, 'latest'), 'latest');
    const versions = (c) => c.sierra_program.slice(0, 6).map((f) => Number(felt(f)));
    assert.deepEqual(versions(before), [1, 6, 0, 2, 8, 2]);
    assert.deepEqual(versions(after), [1, 7, 0, 2, 12, 0]);
    assert.equal(after.contract_class_version, '0.1.0');
    assert.ok(after.entry_points_by_type.EXTERNAL.length > 0);
    assert.deepEqual(after.abi, []);
  });

  it('errors: an unknown class hash is CLASS_HASH_NOT_FOUND, an unknown contract CONTRACT_NOT_FOUND', async () => {
    for (const [name, call] of [
      ['CLASS_HASH_NOT_FOUND', () => provider.getClass('0x1234', 'latest')],
      ['CONTRACT_NOT_FOUND', () => provider.getClassHashAt('0x1234', 'latest')],
    ]) {
      try {
        await call();
        assert.fail(`${name}: the call succeeded`);
      } catch (e) {
        assert.ok(e instanceof RpcError && e.isType(name), `expected ${name}, got ${e}`);
      }
    }
  });
});
