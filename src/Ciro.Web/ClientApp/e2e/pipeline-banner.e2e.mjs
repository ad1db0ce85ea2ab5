#!/usr/bin/env node
// Reads the "Indexing halted" banner of a running dashboard in Debian's Chromium (never a downloaded one).
//
//   CIRO_E2E_USER=admin CIRO_E2E_PASSWORD=… node e2e/pipeline-banner.e2e.mjs http://127.0.0.1:8080 [--timeout 60]
//
// Signs in on the login page first (CIRO_E2E_USER / CIRO_E2E_PASSWORD).
// Waits until the banner is visible, then prints one JSON line: {"reason": …, "since": <its <time datetime>>,
// "text": <the whole banner>}. The caller (CiroAspire.AppHost.Tests/HaltTests) compares them with the indexer's
// halt. Exit codes: 0 banner read, 1 no banner within the timeout, 2 bad usage or no browser.
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { signIn } from './sign-in.mjs';

const [baseUrl, timeoutFlag, timeoutValue] = process.argv.slice(2);
const timeoutMs = timeoutFlag === '--timeout' ? Number(timeoutValue) * 1000 : 60_000;
if (!baseUrl || !URL.canParse(baseUrl) || !(timeoutMs > 0)) {
  console.error('usage: node e2e/pipeline-banner.e2e.mjs <base-url> [--timeout seconds]');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`pipeline banner e2e: no Chromium at ${executablePath} (apt-get install -y chromium)`);
  process.exit(2);
}

const userDataDir = await mkdtemp(path.join(tmpdir(), 'ciro-e2e-'));
let context;
let exitCode = 0;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await signIn(page, process.env.CIRO_E2E_USER ?? '', process.env.CIRO_E2E_PASSWORD ?? '', timeoutMs);
  const banner = page.getByTestId('pipeline-banner');
  // The dashboard polls the pipeline status every 5 s; the halt shows without a reload.
  await banner.waitFor({ state: 'visible', timeout: timeoutMs });
  const result = {
    reason: (await page.getByTestId('pipeline-banner-reason').innerText()).trim(),
    since: await banner.locator('time').getAttribute('datetime'),
    text: (await banner.innerText()).trim(),
  };
  console.log(JSON.stringify(result));
} catch (error) {
  exitCode = error instanceof Error && error.name === 'TimeoutError' ? 1 : 2;
  console.error(`pipeline banner e2e: FAIL: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
}
process.exit(exitCode);
