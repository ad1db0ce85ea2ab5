#!/usr/bin/env node
// Accessibility check of every dashboard view with axe (@axe-core/playwright) in Debian's Chromium (never a
// downloaded one), in the dark and the light theme:
//
//   CIRO_E2E_USER=admin CIRO_E2E_PASSWORD=… node e2e/a11y.e2e.mjs http://127.0.0.1:8080 [--screenshots dir] [--timeout 240]
//
// Pages: the sign-in page (signed out), then every view the navigation lists (read from the page, so a new view is
// checked without editing this script; /alert-rules, the alert rules and escalation policies, is one), the first worker's detail and the first incident's detail, each in both
// themes (the system preference the app follows, emulated). Rules: WCAG 2.0/2.1 A and AA. Before the views, axe
// runs on a page built to fail (an unlabelled input, grey on grey text) and must report it, so a checker that
// finds nothing cannot pass. Prints one JSON line: {"selfCheck": [rule ids], "pages": [{path, theme, violations:
// [{id, impact, nodes: [selectors]}]}]}, every violation of any impact. Exit codes: 0 no serious or critical
// violation, 1 some (listed on stderr) or the self-check failed, 2 bad usage, no browser, or a page did not load.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { signIn } from './sign-in.mjs';

function usage(message) {
  console.error(`a11y e2e: ${message}`);
  console.error('usage: node e2e/a11y.e2e.mjs <base-url> [--screenshots dir] [--timeout seconds]');
  process.exit(2);
}

const argv = process.argv.slice(2);
const options = { baseUrl: undefined, screenshots: undefined, timeoutMs: 240_000 };
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--screenshots') options.screenshots = argv[++i] ?? usage('--screenshots needs a folder');
  else if (argv[i] === '--timeout') options.timeoutMs = Number(argv[++i]) * 1000;
  else if (argv[i].startsWith('--')) usage(`unknown option ${argv[i]}`);
  else options.baseUrl = argv[i];
}
if (!options.baseUrl || !URL.canParse(options.baseUrl)) usage('missing or bad base URL');
if (!(options.timeoutMs > 0)) usage('--timeout needs a number of seconds');
const base = options.baseUrl.replace(/\/+$/, '');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) usage(`no Chromium at ${executablePath} (apt-get install -y chromium)`);

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);
const THEMES = ['dark', 'light'];
const started = Date.now();
const timeout = () => Math.max(1_000, options.timeoutMs - (Date.now() - started));
const log = (message) => console.error(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

const analyze = async (page) => {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
};

/** Waits until the view has drawn its data: no "Loading…" left (bounded; a card still loading is checked as is). */
async function settle(page) {
  await page.locator('main').first().waitFor({ timeout: timeout() });
  await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"]'), undefined, { timeout: 20_000 }).catch(() => {});
  await page.waitForTimeout(300); // charts animate in after the data
}

const userDataDir = await mkdtemp(path.join(tmpdir(), 'ciro-e2e-'));
let context;
let exitCode = 0;
try {
  if (options.screenshots) await mkdir(options.screenshots, { recursive: true });
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: 1440, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());

  await page.setContent(
    '<!doctype html><html lang="en"><head><title>built to fail</title></head><body><main>' +
      '<input type="text"><p style="color:#777;background:#888">grey on grey</p></main></body></html>',
  );
  const selfCheck = (await analyze(page)).map((v) => v.id);
  if (!selfCheck.includes('label') || !selfCheck.includes('color-contrast')) {
    console.log(JSON.stringify({ selfCheck, pages: [] }));
    console.error(`a11y e2e: FAIL: axe did not report the page built to fail (found ${selfCheck.join(', ') || 'nothing'})`);
    process.exit(1);
  }

  const pages = [];
  /** Screenshot names as in docs/screenshots: the view's path, `-light` for the light theme. */
  const shotName = (pathname) => (pathname.startsWith('/workers/') ? 'worker-detail' : pathname.startsWith('/alerts/') ? 'incident' : pathname.replace(/^\/+|\/+$/g, '').replace(/\//g, '-') || 'overview');
  // Each page loads once, in the dark theme; the light one is the same page after the system preference changes
  // (the app follows it live), which checks the theme switch too and halves the page loads.
  const check = async (pathAndQuery) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const response = await page.goto(`${base}${pathAndQuery}`, { waitUntil: 'domcontentloaded', timeout: timeout() });
    if (!response?.ok()) throw new Error(`GET ${pathAndQuery} answered ${response?.status()}`);
    await settle(page);
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      const shown = await page
        .waitForFunction((t) => document.documentElement.dataset.theme === t, theme, { timeout: 5_000 })
        .then(() => theme, () => page.evaluate(() => document.documentElement.dataset.theme));
      if (shown !== theme) throw new Error(`${pathAndQuery}: the page shows the ${shown} theme, the system prefers ${theme}`);
      const violations = await analyze(page);
      pages.push({ path: new URL(page.url()).pathname, theme, violations });
      log(`${pathAndQuery} (${theme}): ${violations.length ? violations.map((v) => `${v.id} [${v.impact}] ×${v.nodes.length}`).join(', ') : 'no violation'}`);
      if (options.screenshots) {
        const file = `${shotName(new URL(page.url()).pathname)}${theme === 'light' ? '-light' : ''}.png`;
        await page.screenshot({ path: path.join(options.screenshots, file), fullPage: true });
      }
    }
  };

  await check('/login');

  await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded', timeout: timeout() });
  await signIn(page, process.env.CIRO_E2E_USER ?? '', process.env.CIRO_E2E_PASSWORD ?? '', timeout());
  await page.locator('nav[aria-label="Views"] a').first().waitFor({ timeout: timeout() });
  const views = await page.locator('nav[aria-label="Views"] a').evaluateAll((links) => links.map((a) => new URL(a.href).pathname));
  log(`views in the navigation: ${views.join(' ')}`);

  // The detail pages: the first worker of the leaderboard and the newest incident of the week, in any state.
  const detailOf = async (view, linkSelector) => {
    await page.goto(`${base}${view}`, { waitUntil: 'domcontentloaded', timeout: timeout() });
    const link = page.locator(linkSelector).first();
    return (await link.waitFor({ timeout: 30_000 }).then(() => true, () => false)) ? new URL(await link.evaluate((a) => a.href)).pathname : undefined;
  };
  const worker = await detailOf('/workers?period=24h', '[data-testid="worker-link"]');
  const incident = await detailOf('/alerts?period=7d&state=all', '[data-testid="incident-link"]');
  const all = [...views, ...[worker, incident].filter(Boolean)];
  for (const view of all) await check(view);

  console.log(JSON.stringify({ selfCheck, pages }));
  const blocking = pages.flatMap((p) => p.violations.filter((v) => BLOCKING.has(v.impact)).map((v) => ({ ...v, page: `${p.path} (${p.theme})` })));
  if (blocking.length > 0) {
    exitCode = 1;
    console.error(`a11y e2e: FAIL: ${blocking.length} serious or critical violations`);
    for (const v of blocking) console.error(`  ${v.page}: ${v.id} [${v.impact}] ${v.help}: ${v.nodes.slice(0, 5).join(' | ')}`);
  } else {
    console.error(`a11y e2e: PASS: ${pages.length} pages, no serious or critical violation`);
  }
} catch (error) {
  exitCode = 2;
  console.error(`a11y e2e: FAIL: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
}
process.exit(exitCode);
