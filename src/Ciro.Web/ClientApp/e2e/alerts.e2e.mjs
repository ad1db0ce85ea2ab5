#!/usr/bin/env node
// The alerts view against a running dashboard, in Debian's Chromium (never a downloaded one):
//
//   CIRO_E2E_USER=admin CIRO_E2E_PASSWORD=… node e2e/alerts.e2e.mjs http://127.0.0.1:8080 --rule RULE
//       [--screenshots dir] [--timeout 120]
//
// Signs in (an operator or admin), opens /alerts filtered on the open incidents of RULE and waits for one to appear;
// a state filter must change the URL and the list; the incident's detail must show its timeline; the Acknowledge
// button must turn the incident "acknowledged" on the screen and add an "acknowledged" entry with the comment to
// its timeline, without a reload — on this browser and on a second one (its own session) that has the incident
// open. Prints one JSON line {"id", "comment", "before", "after", "timeline", "secondBrowser"} for the
// caller (CiroAspire.AppHost.Tests/AlertsViewTests) to compare with the database. Screenshots: alerts.png,
// incident.png, incident-acknowledged.png, incident-second-browser.png. Exit codes: 0 pass, 1 a check failed (the message says which), 2 bad
// usage or no browser.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { signIn, watchCspViolations } from './sign-in.mjs';

function usage(message) {
  console.error(`alerts e2e: ${message}`);
  console.error('usage: node e2e/alerts.e2e.mjs <base-url> --rule RULE [--screenshots dir] [--timeout seconds]');
  process.exit(2);
}

const argv = process.argv.slice(2);
const options = { baseUrl: undefined, rule: undefined, screenshots: undefined, timeoutMs: 120_000 };
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rule') options.rule = argv[++i] ?? usage('--rule needs a rule id');
  else if (argv[i] === '--screenshots') options.screenshots = argv[++i] ?? usage('--screenshots needs a folder');
  else if (argv[i] === '--timeout') options.timeoutMs = Number(argv[++i]) * 1000;
  else if (argv[i].startsWith('--')) usage(`unknown option ${argv[i]}`);
  else options.baseUrl = argv[i];
}
if (!options.baseUrl || !URL.canParse(options.baseUrl)) usage('missing or bad base URL');
if (!options.rule) usage('missing --rule');
if (!(options.timeoutMs > 0)) usage('--timeout needs a number of seconds');
const base = options.baseUrl.replace(/\/+$/, '');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) usage(`no Chromium at ${executablePath} (apt-get install -y chromium)`);

class CheckFailed extends Error {}
const check = (condition, message) => {
  if (!condition) throw new CheckFailed(message);
};
const started = Date.now();
const log = (message) => console.error(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
const timeout = () => Math.max(1_000, options.timeoutMs - (Date.now() - started));

const userDataDir = await mkdtemp(path.join(tmpdir(), 'ciro-e2e-'));
const secondUserDataDir = await mkdtemp(path.join(tmpdir(), 'ciro-e2e-second-'));
const violations = [];
let context;
let second;
let exitCode = 0;
try {
  if (options.screenshots) await mkdir(options.screenshots, { recursive: true });
  const shoot = async (page, name) => {
    if (options.screenshots) await page.screenshot({ path: path.join(options.screenshots, name), fullPage: true });
  };
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await watchCspViolations(page, violations);
  const list = `${base}/alerts?rule=${encodeURIComponent(options.rule)}`;
  await page.goto(list, { waitUntil: 'domcontentloaded', timeout: timeout() });
  await signIn(page, process.env.CIRO_E2E_USER ?? '', process.env.CIRO_E2E_PASSWORD ?? '', timeout());
  if (!page.url().includes('/alerts')) await page.goto(list, { waitUntil: 'domcontentloaded', timeout: timeout() });

  // The rule fires in the pipeline; the list shows it without a reload (incidentChanged push, or the next load).
  const link = page.getByTestId('incident-link').filter({ hasText: options.rule });
  await link.first().waitFor({ state: 'visible', timeout: timeout() });
  check((await link.count()) === 1, `expected exactly one open incident of ${options.rule}, the list shows ${await link.count()}`);
  const href = await link.getAttribute('href');
  const id = decodeURIComponent(href.split('?')[0].split('/').pop());
  log(`open incident ${id} listed`);
  await shoot(page, 'alerts.png');

  // A filter changes the URL and the data: no resolved incident of this rule yet.
  await page.getByTestId('filter-state').getByRole('radio', { name: 'resolved' }).click();
  await page.waitForURL(/state=resolved/, { timeout: timeout() });
  await page.getByTestId('empty-state').filter({ hasText: 'No incidents match' }).waitFor({ timeout: timeout() });
  await page.getByTestId('filter-state').getByRole('radio', { name: 'open' }).click();
  await page.waitForURL((url) => !url.search.includes('state='), { timeout: timeout() });
  await link.first().waitFor({ state: 'visible', timeout: timeout() });
  log('state filter: URL and list follow');

  await link.first().click();
  await page.waitForURL(new RegExp(`/alerts/${id}`), { timeout: timeout() });
  const state = page.getByTestId('detail-state');
  await state.waitFor({ timeout: timeout() });
  const before = (await state.innerText()).trim();
  check(before === 'firing', `the detail shows state '${before}', expected 'firing'`);
  const entries = page.getByTestId('timeline-entry');
  await entries.first().waitFor({ timeout: timeout() });
  check((await page.getByTestId('back-to-incidents').getAttribute('href')).includes(`rule=${encodeURIComponent(options.rule)}`),
    'the way back from the detail lost the rule filter');
  await shoot(page, 'incident.png');

  // A second browser (its own profile and session) has the same incident open; it must see the ack without a reload.
  second = await chromium.launchPersistentContext(secondUserDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const other = second.pages()[0] ?? (await second.newPage());
  const detail = `${base}/alerts/${encodeURIComponent(id)}`;
  await other.goto(detail, { waitUntil: 'domcontentloaded', timeout: timeout() });
  await signIn(other, process.env.CIRO_E2E_USER ?? '', process.env.CIRO_E2E_PASSWORD ?? '', timeout());
  if (!other.url().includes(`/alerts/${id}`)) await other.goto(detail, { waitUntil: 'domcontentloaded', timeout: timeout() });
  await other.getByTestId('live-status').filter({ hasText: 'live' }).waitFor({ timeout: timeout() });
  const otherState = other.getByTestId('detail-state');
  await otherState.waitFor({ timeout: timeout() });
  const otherBefore = (await otherState.innerText()).trim();
  check(otherBefore === 'firing', `the second browser shows state '${otherBefore}' before the ack, expected 'firing'`);
  // A marker on window survives only if the page is never reloaded.
  await other.evaluate(() => {
    window.__ciroE2eLoaded = true;
  });

  const comment = `acknowledged from the e2e at ${new Date().toISOString()}`;
  await page.getByTestId('incident-comment').fill(comment);
  await page.getByTestId('incident-ack').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="detail-state"]')?.textContent?.trim() === 'acknowledged',
    undefined,
    { timeout: timeout() },
  );
  const ackEntry = entries.filter({ hasText: comment });
  await ackEntry.waitFor({ timeout: timeout() });
  check((await ackEntry.getAttribute('data-kind')) === 'acknowledged', `the comment's timeline entry is '${await ackEntry.getAttribute('data-kind')}'`);
  check((await page.getByTestId('incident-ack').count()) === 0, 'the Acknowledge button is still shown after the ack');
  const timeline = await entries.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-kind')));
  const after = (await state.innerText()).trim();
  log(`acknowledged; timeline ${timeline.join(', ')}`);
  await other.waitForFunction(
    () => document.querySelector('[data-testid="detail-state"]')?.textContent?.trim() === 'acknowledged',
    undefined,
    { timeout: timeout() },
  );
  check(await other.evaluate(() => window.__ciroE2eLoaded === true), 'the second browser reloaded: the ack did not reach it live');
  await other.getByTestId('timeline-entry').filter({ hasText: comment }).waitFor({ timeout: timeout() });
  const secondBrowser = (await otherState.innerText()).trim();
  log(`second browser: ${otherBefore} → ${secondBrowser} without a reload`);
  await shoot(other, 'incident-second-browser.png');
  await shoot(page, 'incident-acknowledged.png');
  check(violations.length === 0, `CSP violations: ${violations.join(' | ')}`);
  console.log(JSON.stringify({ id, comment, before, after, timeline, secondBrowser }));
} catch (error) {
  exitCode = error instanceof CheckFailed || (error instanceof Error && error.name === 'TimeoutError') ? 1 : 2;
  console.error(`alerts e2e: FAIL: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await context?.close().catch(() => {});
  await second?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  await rm(secondUserDataDir, { recursive: true, force: true }).catch(() => {});
}
process.exit(exitCode);
