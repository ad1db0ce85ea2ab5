#!/usr/bin/env node
// The sign-in flow against a running Ciro.Web host, in Debian's Chromium (never a downloaded one).
//
//   node e2e/login.e2e.mjs http://127.0.0.1:8080 --user vera --password '…' [--sso NAME --sso-user USER]
//       [--screenshots dir] [--timeout 60]
//
// Passes when: the dashboard address sends a signed-out browser to the sign-in page; a wrong password shows
// "Wrong user name or password." and no session; the right one lands on the dashboard with the user's name and
// role shown; signing out returns to the sign-in page; and Chromium reported no Content-Security-Policy violation
// on any of those pages. With --sso, then: the sign-in page offers "Sign in with NAME", which goes through the
// single-sign-on provider and lands on the address asked for, signed in as --sso-user (the provider must sign that
// user in without a form, as the test's provider does). Screenshots: login.png, login-error.png, signed-in.png
// (and login-sso.png, signed-in-sso.png).
// Exit codes: 0 pass, 1 the flow did not do that (the message says which step), 2 bad usage or no browser.
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { signIn, watchCspViolations } from './sign-in.mjs';

function usage(message) {
  console.error(`login e2e: ${message}`);
  console.error("usage: node e2e/login.e2e.mjs <base-url> --user NAME --password PASSWORD [--screenshots dir] [--timeout seconds]");
  process.exit(2);
}

const options = { baseUrl: undefined, user: undefined, password: undefined, sso: undefined, ssoUser: undefined, screenshots: undefined, timeoutMs: 60_000 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--user') options.user = argv[++i];
  else if (arg === '--password') options.password = argv[++i];
  else if (arg === '--sso') options.sso = argv[++i];
  else if (arg === '--sso-user') options.ssoUser = argv[++i];
  else if (arg === '--screenshots') options.screenshots = argv[++i];
  else if (arg === '--timeout') options.timeoutMs = Number(argv[++i]) * 1000;
  else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
  else options.baseUrl = arg;
}
if (!options.baseUrl || !options.user || !options.password) usage('base URL, --user and --password are required');
if (Boolean(options.sso) !== Boolean(options.ssoUser)) usage('--sso and --sso-user go together');
if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) usage('--timeout needs a number of seconds');

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) usage(`no Chromium at ${executablePath} (apt-get install -y chromium)`);

class StepFailed extends Error {}
const log = (message) => console.log(`login e2e: ${message}`);
const userDataDir = await mkdtemp(path.join(tmpdir(), 'ciro-login-e2e-'));
const violations = [];
let context;
let exitCode = 0;

async function shot(page, name) {
  if (!options.screenshots) return;
  await mkdir(options.screenshots, { recursive: true });
  const file = path.join(options.screenshots, name);
  await page.screenshot({ path: file, fullPage: true });
  log(`screenshot ${file}`);
}

try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await watchCspViolations(page, violations);
  const timeout = options.timeoutMs;

  await page.goto(new URL('/?range=1h', options.baseUrl).href, { waitUntil: 'domcontentloaded', timeout });
  await page.getByTestId('login-form').waitFor({ timeout });
  const loginUrl = new URL(page.url());
  if (loginUrl.pathname !== '/login' || loginUrl.searchParams.get('next') !== '/?range=1h') {
    throw new StepFailed(`a signed-out browser landed on ${page.url()}, not /login?next=%2F%3Frange%3D1h`);
  }
  log(`signed out: sent to ${loginUrl.pathname}${loginUrl.search}`);
  await shot(page, 'login.png');

  await signIn(page, options.user, `${options.password}-wrong`, timeout);
  const error = (await page.getByTestId('login-error').innerText({ timeout })).trim();
  if (error !== 'Wrong user name or password.') throw new StepFailed(`a wrong password showed "${error}"`);
  log(`wrong password: "${error}"`);
  await shot(page, 'login-error.png');

  await signIn(page, options.user, options.password, timeout);
  const menu = (await page.getByTestId('user-menu').innerText({ timeout })).replace(/\s+/g, ' ').trim();
  if (!menu.startsWith(options.user)) throw new StepFailed(`after signing in the user menu reads "${menu}"`);
  const landed = new URL(page.url());
  if (landed.pathname + landed.search !== '/?range=1h') throw new StepFailed(`after signing in the page is ${page.url()}, not the address asked for`);
  log(`signed in: "${menu}" at ${landed.pathname}${landed.search}`);
  await page.waitForTimeout(1_000); // let the hub connect and the first queries answer under the CSP
  await shot(page, 'signed-in.png');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByTestId('login-form').waitFor({ timeout });
  log('signed out again: back on the sign-in page');

  if (options.sso) {
    await page.goto(new URL('/?range=1h', options.baseUrl).href, { waitUntil: 'domcontentloaded', timeout });
    const link = page.getByTestId('sso-link');
    const label = (await link.innerText({ timeout })).trim();
    if (label !== `Sign in with ${options.sso}`) throw new StepFailed(`the single-sign-on link reads "${label}"`);
    await shot(page, 'login-sso.png');
    await link.click();
    const ssoMenu = (await page.getByTestId('user-menu').innerText({ timeout })).replace(/\s+/g, ' ').trim();
    if (!ssoMenu.startsWith(options.ssoUser)) throw new StepFailed(`after single sign-on the user menu reads "${ssoMenu}"`);
    const back = new URL(page.url());
    if (back.pathname + back.search !== '/?range=1h') throw new StepFailed(`after single sign-on the page is ${page.url()}, not the address asked for`);
    log(`single sign-on: "${ssoMenu}" at ${back.pathname}${back.search}`);
    await page.waitForTimeout(1_000);
    await shot(page, 'signed-in-sso.png');
  }

  if (violations.length > 0) throw new StepFailed(`${violations.length} CSP violation(s):\n  ${violations.slice(0, 10).join('\n  ')}`);
  console.log(`login e2e: PASS (redirect, wrong password refused, signed in, signed out${options.sso ? ', single sign-on' : ''}, 0 CSP violations)`);
} catch (error) {
  exitCode = error instanceof StepFailed ? 1 : 2;
  console.error(`login e2e: FAIL: ${error instanceof Error ? error.message : String(error)}`);
  for (const violation of violations.slice(0, 10)) console.error(`  ${violation}`);
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
}
process.exit(exitCode);
