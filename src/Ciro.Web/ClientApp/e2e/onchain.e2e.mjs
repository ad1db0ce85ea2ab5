#!/usr/bin/env node
// Reads the on-chain monitor view of a running dashboard for one fixed range, in Debian's Chromium (never a
// downloaded one):
//
//   CIRO_E2E_USER=admin CIRO_E2E_PASSWORD=… node e2e/onchain.e2e.mjs http://127.0.0.1:8080 --from ISO --to ISO
//       [--screenshots dir] [--timeout 120]
//
// Waits until the calls table shows, then prints one JSON line with what the screen says: {"totalSamples",
// "totalRate", "totalEstimated", "rows": [{"function", "samples", "rate", "estimated", "actual"}], "target": {"url",
// "total", "rows": [{"function", "actual", "rateForTarget"}]}} (numbers as shown; "target" after choosing ±5 %). The caller (CiroAspire.AppHost.Tests/OnchainViewTests) compares them with the chain simulator's ground
// truth. Screenshot: onchain.png. Exit codes: 0 read, 1 not shown within the timeout, 2 bad usage or no browser.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { signIn, watchCspViolations } from './sign-in.mjs';

function usage(message) {
  console.error(`onchain e2e: ${message}`);
  console.error('usage: node e2e/onchain.e2e.mjs <base-url> --from ISO --to ISO [--screenshots dir] [--timeout seconds]');
  process.exit(2);
}

const argv = process.argv.slice(2);
const options = { baseUrl: undefined, from: undefined, to: undefined, screenshots: undefined, timeoutMs: 120_000 };
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--from') options.from = argv[++i] ?? usage('--from needs a time');
  else if (argv[i] === '--to') options.to = argv[++i] ?? usage('--to needs a time');
  else if (argv[i] === '--screenshots') options.screenshots = argv[++i] ?? usage('--screenshots needs a folder');
  else if (argv[i] === '--timeout') options.timeoutMs = Number(argv[++i]) * 1000;
  else if (argv[i].startsWith('--')) usage(`unknown option ${argv[i]}`);
  else options.baseUrl = argv[i];
}
if (!options.baseUrl || !URL.canParse(options.baseUrl)) usage('missing or bad base URL');
if (Number.isNaN(Date.parse(options.from ?? '')) || Number.isNaN(Date.parse(options.to ?? ''))) usage('--from and --to must be ISO-8601 times');
if (!(options.timeoutMs > 0)) usage('--timeout needs a number of seconds');
const base = options.baseUrl.replace(/\/+$/, '');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) usage(`no Chromium at ${executablePath} (apt-get install -y chromium)`);

const started = Date.now();
const timeout = () => Math.max(1_000, options.timeoutMs - (Date.now() - started));
const userDataDir = await mkdtemp(path.join(tmpdir(), 'ciro-e2e-'));
const violations = [];
let context;
let exitCode = 0;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await watchCspViolations(page, violations);
  const url = `${base}/onchain?from=${encodeURIComponent(options.from)}&to=${encodeURIComponent(options.to)}`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeout() });
  await signIn(page, process.env.CIRO_E2E_USER ?? '', process.env.CIRO_E2E_PASSWORD ?? '', timeout());
  if (!page.url().includes('/onchain')) await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeout() });
  await page.getByTestId('onchain-calls-total').waitFor({ timeout: timeout() });
  await page.getByTestId('onchain-workers').locator('table, [data-testid="empty-state"]').first().waitFor({ timeout: timeout() });
  const text = async (locator) => (await locator.innerText()).trim();
  const rows = [];
  for (const row of await page.getByTestId('onchain-call').all()) {
    rows.push({
      function: await row.getAttribute('data-function'),
      samples: await text(row.getByTestId('call-samples')),
      rate: await text(row.getByTestId('call-rate')),
      estimated: await text(row.getByTestId('call-estimated')),
      actual: await text(row.getByTestId('call-actual')),
    });
  }
  const result = {
    totalSamples: await text(page.getByTestId('total-samples')),
    totalRate: await text(page.getByTestId('total-rate')),
    totalEstimated: await text(page.getByTestId('total-estimated')),
    rows,
  };
  // The suggested rate for a tighter target: the choice goes to the URL and the column follows it.
  await page.getByTestId('onchain-target').getByRole('radio', { name: '±5 %' }).click();
  await page.waitForURL(/[?&]target=0\.05/, { timeout: timeout() });
  await page.getByRole('columnheader', { name: 'Rate for ±5 %' }).waitFor({ timeout: timeout() });
  await page.waitForLoadState('networkidle', { timeout: timeout() }).catch(() => {});
  const targetRows = [];
  for (const row of await page.getByTestId('onchain-call').all()) {
    targetRows.push({
      function: await row.getAttribute('data-function'),
      actual: await text(row.getByTestId('call-actual')),
      rateForTarget: await text(row.getByTestId('call-rate-for-target')),
    });
  }
  result.target = { url: page.url(), total: await text(page.getByTestId('total-rate-for-target')), summary: await text(page.getByTestId('onchain-target-rate')), rows: targetRows };
  if (options.screenshots) {
    await mkdir(options.screenshots, { recursive: true });
    await page.screenshot({ path: path.join(options.screenshots, 'onchain.png'), fullPage: true });
  }
  if (violations.length > 0) throw new Error(`CSP violations: ${violations.join(' | ')}`);
  console.log(JSON.stringify(result));
} catch (error) {
  exitCode = error instanceof Error && error.name === 'TimeoutError' ? 1 : 2;
  console.error(`onchain e2e: FAIL: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
}
process.exit(exitCode);
