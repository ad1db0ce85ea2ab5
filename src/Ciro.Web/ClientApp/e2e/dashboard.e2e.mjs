#!/usr/bin/env node
// End-to-end check of the dashboard against a running Ciro.Web host, in Debian's Chromium (never a downloaded one).
//
//   CIRO_E2E_USER=admin CIRO_E2E_PASSWORD=… node e2e/dashboard.e2e.mjs http://127.0.0.1:8080 [--screenshot out.png] [--timeout 60]
//
// Signs in on the login page first (the user from CIRO_E2E_USER / CIRO_E2E_PASSWORD). Fails on any
// Content-Security-Policy violation Chromium reports.
// Passes when, within the timeout and without reloading the page: the hub status reads "live", the 30-minute
// "submitted" KPI is above zero, and that KPI then changes (a live push reached the page).
// Exit codes: 0 pass, 1 the page did not do that (the message says which step), 2 bad usage or no browser.
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { signIn, watchCspViolations } from './sign-in.mjs';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function usage(message) {
  console.error(`dashboard e2e: ${message}`);
  console.error('usage: node e2e/dashboard.e2e.mjs <base-url> [--screenshot out.png] [--timeout seconds]');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { baseUrl: undefined, screenshot: undefined, timeoutMs: 60_000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--screenshot') options.screenshot = argv[++i] ?? usage('--screenshot needs a file name');
    else if (arg === '--timeout') {
      const seconds = Number(argv[++i]);
      if (!Number.isFinite(seconds) || seconds <= 0) usage('--timeout needs a number of seconds');
      options.timeoutMs = seconds * 1000;
    } else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else if (options.baseUrl === undefined) options.baseUrl = arg;
    else usage(`unexpected argument ${arg}`);
  }
  if (!options.baseUrl) usage('missing base URL');
  try {
    new URL(options.baseUrl);
  } catch {
    usage(`not a URL: ${options.baseUrl}`);
  }
  return options;
}

class StepFailed extends Error {}

const options = parseArgs(process.argv.slice(2));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) usage(`no Chromium at ${executablePath} (apt-get install -y chromium)`);

const deadline = Date.now() + options.timeoutMs;
const remaining = () => Math.max(1, deadline - Date.now());
const log = (message) => console.log(`[${((options.timeoutMs - remaining()) / 1000).toFixed(1)}s] ${message}`);

const userDataDir = await mkdtemp(path.join(tmpdir(), 'ciro-e2e-'));
const pageProblems = [];
const cspViolations = [];
let context;
let page;
let exitCode = 0;

/** Polls `read` in the page until `accept` holds or the overall deadline passes. */
async function waitFor(description, read, accept) {
  let last;
  while (Date.now() < deadline) {
    last = await read().catch((error) => `error: ${error.message}`);
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new StepFailed(`timed out after ${options.timeoutMs / 1000}s waiting for ${description} (last seen: ${JSON.stringify(last)})`);
}

const text = (testId) => () => page.getByTestId(testId).first().innerText({ timeout: 1_000 }).then((value) => value.trim());
const asInteger = (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN);

try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 1000 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console error: ${message.text()}`);
  });

  await watchCspViolations(page, cspViolations);

  log(`opening ${options.baseUrl}`);
  const response = await page.goto(options.baseUrl, { waitUntil: 'domcontentloaded', timeout: remaining() });
  if (!response || !response.ok()) throw new StepFailed(`GET ${options.baseUrl} answered ${response?.status() ?? 'nothing'}`);
  const user = process.env.CIRO_E2E_USER;
  const password = process.env.CIRO_E2E_PASSWORD;
  if (!user || !password) throw new StepFailed('CIRO_E2E_USER and CIRO_E2E_PASSWORD must name a dashboard user');
  await signIn(page, user, password, remaining());
  if ((await page.getByTestId('login-error').count()) > 0) throw new StepFailed(`signing in as ${user} failed`);
  log(`signed in as ${user}`);
  // A marker on window survives only if the page is never reloaded: proves the update arrived live.
  await page.evaluate(() => {
    window.__ciroE2eLoaded = true;
  });

  await waitFor('the page header', text('live-status'), (value) => typeof value === 'string' && !value.startsWith('error'));
  await waitFor('live-status to read "live"', text('live-status'), (value) => value === 'live');
  log('hub connected: live-status = live');

  const first = asInteger(await waitFor('kpi-submitted > 0', text('kpi-submitted'), (value) => asInteger(value) > 0));
  log(`kpi-submitted = ${first}, latest-block = ${await text('latest-block')().catch(() => '?')}`);

  const changed = asInteger(
    await waitFor(`kpi-submitted to change from ${first} without a reload`, text('kpi-submitted'), (value) => {
      const n = asInteger(value);
      return Number.isFinite(n) && n !== first;
    }),
  );
  const stillSamePage = await page.evaluate(() => window.__ciroE2eLoaded === true);
  if (!stillSamePage) throw new StepFailed('the page reloaded: the KPI change did not come from a live update');
  log(`kpi-submitted changed live: ${first} → ${changed}`);

  for (const testId of ['jobs-chart', 'incidents', 'export-csv']) {
    if ((await page.getByTestId(testId).count()) === 0) throw new StepFailed(`missing element data-testid="${testId}"`);
  }
  if ((await page.locator('[data-testid="jobs-chart"] svg').count()) === 0) {
    throw new StepFailed('jobs-chart has no drawn chart (no <svg>)');
  }
  if (cspViolations.length > 0) throw new StepFailed(`CSP violations:\n  ${cspViolations.slice(0, 10).join('\n  ')}`);
  console.log(`dashboard e2e: PASS (kpi-submitted ${first} → ${changed}, live without reload)`);
} catch (error) {
  exitCode = error instanceof StepFailed ? 1 : 2;
  console.error(`dashboard e2e: FAIL: ${error instanceof Error ? error.message : String(error)}`);
  for (const problem of pageProblems.slice(0, 10)) console.error(`  ${problem}`);
} finally {
  if (page && options.screenshot) {
    await page
      .screenshot({ path: options.screenshot, fullPage: true })
      .then(() => console.log(`screenshot: ${path.resolve(options.screenshot)}`))
      .catch((error) => console.error(`screenshot failed: ${error.message}`));
  }
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
}
process.exit(exitCode);
