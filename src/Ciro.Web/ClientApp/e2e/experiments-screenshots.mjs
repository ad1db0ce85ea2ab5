#!/usr/bin/env node
// Screenshots of the Experiments view (list and one A/B experiment's result page) in Debian's Chromium, from the built
// dashboard (src/Ciro.Web/wwwroot, `npm run build`) and API answers recorded by tests/Ciro.Analytics.Tests/AbExperimentTests (the
// simulator's ab-split scenario → the indexer's backfill → the analytics API; written to TestResults/experiments/):
//
//   node e2e/experiments-screenshots.mjs ../../../TestResults/experiments --screenshots ../../../docs/screenshots [--operator]
//
// With --operator the session is an operator's: the list shows the create form and stop buttons; the script then
// submits the form with B equal to A, which the page answers with the analytics API's 400 ProblemDetails for that
// field, and writes experiments-form.png with the message under the field, after an axe check (WCAG 2.0/2.1 A and AA)
// of that page that fails the run on a serious or critical violation.
//
// No server: the page's requests go to an unroutable origin and are answered here, files from wwwroot (index.html for
// client routes), /api/experiments/* from the recorded JSON, /auth/session as a signed-in viewer, anything else
// under /api as 404 ProblemDetails (the cards say so). Writes experiments.png and experiment.png; prints the result
// page's decision, SRM and difference as shown. Exit codes: 0 done, 1 not shown in time, 2 bad usage.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';

const argv = process.argv.slice(2);
const recorded = argv[0];
const shotsIndex = argv.indexOf('--screenshots');
const screenshots = shotsIndex >= 0 ? argv[shotsIndex + 1] : undefined;
const operator = argv.includes('--operator');
if (!recorded || !screenshots) {
  console.error('usage: node e2e/experiments-screenshots.mjs <recorded-json-folder> --screenshots <folder>');
  process.exit(2);
}
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'wwwroot');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
for (const needed of [path.join(dist, 'index.html'), path.join(recorded, 'result.json'), executablePath]) {
  if (!existsSync(needed)) {
    console.error(`experiments screenshots: missing ${needed}`);
    process.exit(2);
  }
}
const json = async (name) => JSON.parse(await readFile(path.join(recorded, name), 'utf8'));
const result = await json('result.json');
const answers = {
  '/api/experiments/ab': await json('list.json'),
  [`/api/experiments/ab/${result.experiment.id}/result`]: result,
  '/api/experiments/upgrades': existsSync(path.join(recorded, 'upgrades.json')) ? await json('upgrades.json') : [],
  '/auth/session': operator
    ? { userName: 'operator', role: 'operator', antiforgeryToken: 'screenshot' }
    : { userName: 'viewer', role: 'viewer', antiforgeryToken: 'screenshot' },
};
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };
const origin = 'http://ciro.screenshot.invalid';

const userDataDir = await mkdtemp(path.join(tmpdir(), 'ciro-shots-'));
let context;
let exitCode = 0;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== origin) return route.abort();
    if (route.request().method() === 'POST' && url.pathname === '/api/experiments/ab') {
      // What AbExperimentStore.Validate answers for a treatment equal to the control (FieldProblem.Invalid's shape).
      const body = JSON.parse(route.request().postData() ?? '{}');
      return route.fulfill({
        status: 400,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 400, title: "Invalid 'treatment'", detail: `'treatment' = '${body.treatment}' must differ from control.`, field: 'treatment' }),
      });
    }
    if (answers[url.pathname] !== undefined) {
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answers[url.pathname]) });
    }
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/auth/') || url.pathname.startsWith('/hubs/')) {
      return route.fulfill({ status: 404, contentType: 'application/problem+json', body: JSON.stringify({ status: 404, title: 'Not recorded' }) });
    }
    const file = path.join(dist, url.pathname);
    const served = file.startsWith(dist) && path.extname(file) && existsSync(file) ? file : path.join(dist, 'index.html');
    return route.fulfill({ status: 200, contentType: types[path.extname(served)] ?? 'application/octet-stream', body: await readFile(served) });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await mkdir(screenshots, { recursive: true });
  await page.goto(`${origin}/experiments`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('ab-experiment').first().waitFor({ timeout: 60_000 });
  await page.getByTestId('upgrades').waitFor({ timeout: 60_000 });
  if (!operator) await page.screenshot({ path: path.join(screenshots, 'experiments.png'), fullPage: true });
  if (operator) {
    await page.getByTestId('ab-form-name').fill('B equal to A');
    await page.getByTestId('ab-form-control').fill(result.experiment.control);
    await page.getByTestId('ab-form-treatment').fill(result.experiment.control);
    await page.getByTestId('ab-form-entryPoint').fill(result.experiment.entryPoint);
    await page.getByTestId('ab-form-create').click();
    await page.getByTestId('ab-form-error-treatment').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(screenshots, 'experiments-form.png'), fullPage: true });
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const violations = axe.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
    console.log(JSON.stringify({ formError: (await page.getByTestId('ab-form-error-treatment').innerText()).trim(), axe: violations }));
    if (violations.some((v) => v.impact === 'serious' || v.impact === 'critical')) exitCode = 1;
  }
  await page.getByRole('link', { name: result.experiment.name }).click();
  await page.getByTestId('experiment-decision').waitFor({ timeout: 60_000 });
  if (!operator) await page.screenshot({ path: path.join(screenshots, 'experiment.png'), fullPage: true });
  const text = async (id) => (await page.getByTestId(id).innerText()).trim();
  console.log(JSON.stringify({ decision: await text('experiment-decision'), srm: await text('experiment-srm'), difference: await text('difference-row') }));
} catch (error) {
  exitCode = error instanceof Error && error.name === 'TimeoutError' ? 1 : 2;
  console.error(`experiments screenshots: FAIL: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
}
process.exit(exitCode);
