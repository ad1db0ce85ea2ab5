// Starts the chain simulator (the built Ciro.ChainSimulator.dll) on a free loopback port with a fixed seed and
// genesis time, and stops it again. The block timer is set to ten minutes so the chain does not move while a
// suite reads it: every block a test sees was pre-generated at start, and the head is the same for all calls.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const defaultDll = resolve(repoRoot, 'src/Ciro.ChainSimulator/bin/Debug/net10.0/Ciro.ChainSimulator.dll');

/** The settings every suite runs with; tests compare against them (chain id, addresses). */
export const settings = {
  Seed: 7,
  StartTimestamp: 1_760_000_000,
  PregenerateBlocks: 60,
  BlockIntervalMs: 600_000,
  ChainId: 'SN_CIRO_JS',
  L1AcceptedLag: 32,
  MaxChunkSize: 1024,
  MaxFilterKeys: 16,
  JobManagerAddress: '0x00bf025663b8a7c7e43393f082b10afe66bd9ddb06fb5e521e3adbcf693094bd',
  CdcPoolAddress: '0x05f73c551dbfda890090c8ee89858992dfeea9794a63ad83e6b1706e9836aeba',
  FeeTokenAddress: '0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d',
  MetricsRegistryAddress: '0x0318e2cc5c1d4d0f6a1c4a7d1e5b9f3c2a8d6e4b0c7f1a3e5d9b2c6f8a0e4d71',
  // The performance monitor samples 1 call in 4 (a host compiled with SAMPLE_FLOOR 1), so that 60 blocks hold
  // every monitor event kind.
  MonitorSampleFloor: 1,
  MonitorSampleRate: 4,
};

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the simulator until stop(). Returns { url, rpcUrl, admin(path), stop() }.
 * A loaded machine may take a while to start .NET: the wait is generous and fails with the process's output.
 */
export async function startSimulator(overrides = {}) {
  const dll = process.env.CIRO_SIMULATOR_DLL ?? defaultDll;
  if (!existsSync(dll)) {
    throw new Error(`chain simulator not built: ${dll} is missing (run: dotnet build src/Ciro.ChainSimulator)`);
  }
  // The free port may be taken by another test's server before the simulator binds it: try another one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dll, await freePort(), overrides);
    } catch (e) {
      if (attempt === 3 || !/address already in use/i.test(e.message)) throw e;
    }
  }
}

async function startOnce(dll, port, overrides) {
  const url = `http://127.0.0.1:${port}`;
  const args = [dll, '--urls', url, '--Logging:LogLevel:Default=Warning', '--Simulator:Admin:Enabled=true'];
  for (const [key, value] of Object.entries({ ...settings, ...overrides })) {
    args.push(`--Simulator:${key}=${value}`);
  }
  const child = spawn('dotnet', args, { cwd: dirname(dll), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => { output = (output + chunk).slice(-8000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  // If the test process dies without running stop(), the simulator must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (signal = 'SIGTERM') => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const done = await Promise.race([exited, sleep(20_000).then(() => null)]);
    if (done === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`chain simulator exited with ${child.exitCode} before serving:\n${output}`);
    }
    if (/address already in use/i.test(output)) {
      // Kestrel failed to bind; the host neither exits on its own nor promptly on SIGTERM.
      await stop('SIGKILL');
      throw new Error(`chain simulator could not bind ${url}: address already in use`);
    }
    try {
      const res = await fetch(`${url}/admin/state`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`chain simulator did not answer ${url}/admin/state within 120 s:\n${output}`);
    }
    await sleep(250);
  }

  const admin = async (path) => {
    const res = await fetch(`${url}/admin${path}`);
    if (!res.ok) throw new Error(`GET /admin${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  const adminPost = async (path, body) => {
    const res = await fetch(`${url}/admin${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST /admin${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return { url, rpcUrl: `${url}/rpc`, admin, adminPost, stop: () => stop() };
}
