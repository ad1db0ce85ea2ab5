#!/usr/bin/env node
// End-to-end check of every analytics view against a running Ciro.Web host, in Debian's Chromium (never a
// downloaded one):
//
//   node e2e/views.e2e.mjs http://127.0.0.1:8080 [--screenshots dir] [--timeout 120]
//
// One fixed, past range (the three whole hours before the newest indexed block's hour) is used for every view, so the
// figures cannot move while they are compared. For each view the page must show a number equal to the one the
// analytics API (through the same host) gives for the same filters; a filter must change the URL and the data; a
// drill-down must keep the range; an export must download the rows the API gives. Screenshots of every view go to
// --screenshots. Exit codes: 0 pass, 1 a check failed (the message says which), 2 bad usage or no browser.
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { signIn } from './sign-in.mjs';

function usage(message) {
  console.error(`views e2e: ${message}`);
  console.error('usage: node e2e/views.e2e.mjs <base-url> [--screenshots dir] [--timeout seconds]');
  process.exit(2);
}

const argv = process.argv.slice(2);
const options = { baseUrl: undefined, screenshots: undefined, timeoutMs: 120_000 };
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

class CheckFailed extends Error {}
const check = (condition, message) => {
  if (!condition) throw new CheckFailed(message);
};
const started = Date.now();
const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

/** The API through the same host the browser uses. */
// The web tier serves signed-in users only (CIRO_E2E_USER / CIRO_E2E_PASSWORD): the browser signs in on the login
// page, and the API reads below carry a session of their own.
let sessionCookie = '';
async function apiSignIn() {
  const response = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userName: process.env.CIRO_E2E_USER, password: process.env.CIRO_E2E_PASSWORD }),
  });
  if (!response.ok) throw new Error(`signing in as ${process.env.CIRO_E2E_USER} answered ${response.status}`);
  sessionCookie = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
}

async function api(pathAndQuery) {
  const response = await fetch(`${base}${pathAndQuery}`, { headers: { Accept: 'application/json', Cookie: sessionCookie } });
  if (!response.ok) throw new CheckFailed(`GET ${pathAndQuery} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

// The dashboard's own formatting, so the comparison is of the same digits the page shows.
const decimal = (value, digits) => (value === null || value === undefined ? '—' : String(Number(value.toFixed(digits))));
const seconds = (value, digits) => (value === null || value === undefined ? '—' : `${Number(value.toFixed(digits))} s`);
const grouped = (value) => Math.round(value).toLocaleString('en-US');

let context;
let page;
let exitCode = 0;
const userDataDir = await mkdtemp(path.join(tmpdir(), 'ciro-e2e-'));
const downloads = await mkdtemp(path.join(tmpdir(), 'ciro-e2e-downloads-'));
const pageProblems = [];
const timeout = () => Math.max(1_000, options.timeoutMs - (Date.now() - started));

async function open(view, query) {
  const url = `${base}${view}${query ? `?${query}` : ''}`;
  log(`open ${url}`);
  const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeout() });
  check(response?.ok(), `GET ${url} answered ${response?.status()}`);
}

async function text(testId) {
  const locator = page.getByTestId(testId).first();
  await locator.waitFor({ state: 'visible', timeout: timeout() });
  return (await locator.innerText()).trim();
}

/** Waits until the element shows `expected` (a query refetch may land a moment after the first render). */
async function expectText(testId, expected, what) {
  const deadline = Date.now() + Math.min(timeout(), 60_000);
  let last;
  while (Date.now() < deadline) {
    last = await text(testId).catch((e) => `error: ${e.message}`);
    if (last === expected) return;
    await page.waitForTimeout(250);
  }
  throw new CheckFailed(`${what}: the page shows ${JSON.stringify(last)}, the API gives ${JSON.stringify(expected)}`);
}

/** `name.png` in the dark theme and `name-light.png` in the light one (the app follows the system's preference). */
async function screenshot(name) {
  if (!options.screenshots) return;
  for (const [theme, suffix] of [['dark', ''], ['light', '-light']]) {
    await page.emulateMedia({ colorScheme: theme });
    await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme, { timeout: timeout() });
    // Every card has its answer (bounded: a card still loading is shown as it is), then charts draw after the data.
    await page.waitForFunction(() => !document.querySelector('.loading'), undefined, { timeout: 20_000 }).catch(() => {});
    await page.waitForTimeout(500);
    const file = path.join(options.screenshots, `${name}${suffix}.png`);
    await page.screenshot({ path: file, fullPage: true });
    log(`screenshot ${file}`);
  }
  await page.emulateMedia({ colorScheme: 'dark' });
}

try {
  if (options.screenshots) await mkdir(options.screenshots, { recursive: true });
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: 1440, height: 1000 },
    acceptDownloads: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  await apiSignIn();
  await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded', timeout: timeout() });
  await signIn(page, process.env.CIRO_E2E_USER ?? '', process.env.CIRO_E2E_PASSWORD ?? '', timeout());
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));

  // A fixed past range: the three whole hours before the newest block's hour. Bucketed answers cover every bucket
  // that overlaps the range, so the range ends on an hour boundary: the hour still filling is not in it.
  const status = await api('/api/pipeline/status');
  check(status.newestBlockTime, `no block indexed yet (pipeline status ${JSON.stringify(status)})`);
  const to = new Date(Math.floor(Date.parse(status.newestBlockTime) / 3_600_000) * 3_600_000);
  const from = new Date(to.getTime() - 3 * 3_600_000);
  const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
  const encodedRange = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  log(`range ${from.toISOString()} → ${to.toISOString()} (newest block ${status.newestBlock})`);

  // Overview: the newest bucket's TPS tile.
  const network = await api(`/api/kpi/network?${range}`);
  const newest = network.items.at(-1);
  check(newest, `no block before ${to.toISOString()}: the chain needs a finished hour (start the simulator with history, --Simulator:PregenerateBlocks=N)`);
  await open('/', range);
  await expectText('net-tps', decimal(newest.tps, 3), 'overview TPS');
  await expectText('net-reverted', `${(newest.revertedShare * 100).toFixed(2)}%`, 'overview reverted share');
  await expectText('status-indexer', status.indexerState, 'status summary indexer state');
  log(`overview: TPS ${decimal(newest.tps, 3)}, reverted ${newest.revertedShare} = API`);
  await screenshot('overview');

  // Gas: the busiest function's transaction count over the range = the API's rows added up.
  const gas = await api(`/api/kpi/gas?${range}&metric=l2_gas&pageSize=1000`);
  const byFunction = new Map();
  for (const row of gas.items) {
    const key = `${row.contract}/${row.function}`;
    const entry = byFunction.get(key) ?? { contract: row.contract, function: row.function, tx: 0, l2: 0n };
    entry.tx += row.txCount;
    entry.l2 += BigInt(row.l2Gas);
    byFunction.set(key, entry);
  }
  const top = [...byFunction.values()].sort((a, b) => (b.l2 > a.l2 ? 1 : b.l2 < a.l2 ? -1 : 0))[0];
  check(top, 'the gas endpoint has no rows in the range');
  await open('/gas', range);
  const topRow = page.getByTestId(`gas-row-${top.function}`).first();
  await topRow.waitFor({ timeout: timeout() });
  const topCells = await topRow.locator('td').allInnerTexts();
  check(topCells[2] === grouped(top.tx), `gas: ${top.function} shows ${topCells[2]} transactions, the API's rows add up to ${grouped(top.tx)}`);
  log(`gas: ${top.function} ${topCells[2]} transactions = API`);
  await screenshot('gas');

  // Export: the CSV of the gas table = the API's rows grouped per function (every function, tx count and L2 gas).
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: timeout() }), page.getByTestId('export-gas-csv').click()]);
  const csvPath = path.join(downloads, download.suggestedFilename());
  await download.saveAs(csvPath);
  const lines = (await readFile(csvPath, 'utf8')).trim().split('\r\n');
  const header = lines[0].split(',');
  check(header.join(',') === 'contract,function,txCount,l2Gas,l1DataGas,l1Gas,feeFri,feeWei,share', `gas CSV header is ${lines[0]}`);
  check(lines.length - 1 === byFunction.size, `gas CSV has ${lines.length - 1} rows, the API has ${byFunction.size} functions`);
  for (const line of lines.slice(1)) {
    const [contract, fn, tx, l2] = line.split(',');
    const expected = byFunction.get(`${contract}/${fn}`);
    check(expected, `gas CSV row ${fn} of ${contract} is not in the API's rows`);
    check(Number(tx) === expected.tx && BigInt(l2) === expected.l2, `gas CSV ${fn}: ${tx} tx / ${l2} L2 gas, API ${expected.tx} / ${expected.l2}`);
  }
  log(`gas export: ${download.suggestedFilename()} has the API's ${byFunction.size} functions, tx and L2 gas equal`);

  // A filter changes the URL and the data: the contract of the top function.
  await page.getByTestId('filter-contract').fill(top.contract);
  await page.getByTestId('filter-apply').click();
  await page.waitForURL((url) => url.searchParams.get('contract') === top.contract, { timeout: timeout() });
  const filtered = await api(`/api/kpi/gas?${range}&metric=l2_gas&pageSize=1000&contract=${top.contract}`);
  const filteredFunctions = new Set(filtered.items.map((r) => r.function));
  const deadline = Date.now() + 30_000;
  let shownRows = -1;
  while (Date.now() < deadline) {
    shownRows = await page.locator('[data-testid^="gas-row-"]').count();
    if (shownRows === Math.min(filteredFunctions.size, 20)) break;
    await page.waitForTimeout(250);
  }
  check(shownRows === Math.min(filteredFunctions.size, 20), `gas filtered by contract shows ${shownRows} functions, the API ${filteredFunctions.size}`);
  check(filteredFunctions.size < byFunction.size, 'the contract filter did not narrow the API answer: pick a range with two contracts');
  log(`filter: ?contract=${top.contract} → ${shownRows} functions (was ${byFunction.size}) = API`);

  // Drill-down to the function: the range stays in the URL and the transaction count is the API's.
  await page.getByTestId(`gas-function-${top.function}`).first().click();
  await page.waitForURL((url) => url.searchParams.get('function') === top.function, { timeout: timeout() });
  const drilled = new URL(page.url());
  check(drilled.searchParams.get('from') === from.toISOString() && drilled.searchParams.get('to') === to.toISOString(), `drill-down lost the range: ${page.url()}`);
  const txs = await api(`/api/kpi/gas?${range}&contract=${top.contract}&function=${top.function}&bucket=raw&page=1&pageSize=25`);
  const subtitle = page.getByTestId('gas-transactions').locator('.card__subtitle');
  await subtitle.waitFor({ timeout: timeout() });
  const subtitleText = (await subtitle.innerText()).trim();
  check(subtitleText === `${txs.totalCount} transactions, newest first`, `drill-down shows "${subtitleText}", the API has ${txs.totalCount} transactions`);
  const firstLink = await page.getByTestId('gas-tx').first().locator('a').getAttribute('href');
  check(firstLink?.includes(txs.items[0].txHash), `the first transaction links to ${firstLink}, expected the explorer URL of ${txs.items[0].txHash}`);
  log(`drill-down: ${txs.totalCount} transactions = API, range kept, first links to ${firstLink}`);
  await screenshot('gas-function');

  // Timing: newest inclusion bucket's interval count; and the inclusion CSV export = the API's rows.
  const inclusion = await api(`/api/kpi/timing/inclusion?${range}`);
  const stages = await api(`/api/kpi/timing/jobs?${range}`);
  await open('/timing', range);
  const newestInclusion = inclusion.items.at(-1);
  check(newestInclusion, 'no inclusion bucket in the range');
  const inclusionRow = page.getByTestId('inclusion-table').locator('tbody tr').first();
  await inclusionRow.waitFor({ timeout: timeout() });
  const inclusionCells = await inclusionRow.locator('td').allInnerTexts();
  check(inclusionCells[1] === String(newestInclusion.intervals) && inclusionCells[3] === seconds(newestInclusion.p50Seconds, 3),
    `timing: newest bucket shows ${inclusionCells[1]} intervals p50 ${inclusionCells[3]}, API ${newestInclusion.intervals} / ${seconds(newestInclusion.p50Seconds, 3)}`);
  const newestStage = stages.items.filter((r) => r.stage === 'submitted_to_completed').at(-1);
  if (newestStage) {
    await page.getByRole('radio', { name: 'submitted → completed' }).click();
    const stageCells = await page.getByTestId('stages-table').locator('tbody tr').first().locator('td').allInnerTexts();
    check(stageCells[1] === String(newestStage.count) && stageCells[4] === seconds(newestStage.p95Seconds, 3),
      `timing: submitted → completed shows ${stageCells[1]} jobs p95 ${stageCells[4]}, API ${newestStage.count} / ${seconds(newestStage.p95Seconds, 3)}`);
    log(`timing: ${newestStage.count} jobs submitted → completed, p95 ${seconds(newestStage.p95Seconds, 3)} = API`);
  }
  const [inclusionDownload] = await Promise.all([page.waitForEvent('download', { timeout: timeout() }), page.getByTestId('export-inclusion-json').click()]);
  const inclusionPath = path.join(downloads, inclusionDownload.suggestedFilename());
  await inclusionDownload.saveAs(inclusionPath);
  const exported = JSON.parse(await readFile(inclusionPath, 'utf8'));
  check(JSON.stringify(exported) === JSON.stringify(inclusion.items), `inclusion JSON export differs from the API:\n${JSON.stringify(exported).slice(0, 400)}\n${JSON.stringify(inclusion.items).slice(0, 400)}`);
  log(`timing export: ${inclusionDownload.suggestedFilename()} = the API's ${inclusion.items.length} rows, field for field`);
  await screenshot('timing');

  // Workers: the leader's completed jobs; its detail keeps the range and shows its rank and stake.
  const board = await api(`/api/kpi/workers/leaderboard?${range}&pageSize=1000`);
  const leader = board.items[0];
  check(leader, 'no worker in the range');
  await open('/workers', range);
  await expectText('worker-completed', String(leader.completed), `leaderboard: completed jobs of ${leader.worker}`);
  await screenshot('workers');
  await page.getByTestId('worker-link').first().click();
  await page.waitForURL((url) => url.pathname === `/workers/${leader.worker}`, { timeout: timeout() });
  check(new URL(page.url()).searchParams.get('from') === from.toISOString(), `worker detail lost the range: ${page.url()}`);
  await expectText('worker-rank', String(leader.rank ?? 'unranked'), 'worker detail rank');
  await expectText('worker-success', `${(leader.successRate * 100).toFixed(2)}%`, 'worker detail success rate');
  log(`workers: leader ${leader.worker.slice(0, 10)}… ${leader.completed} completed, rank ${leader.rank} = API`);
  await screenshot('worker-detail');

  // Usage: the busiest function's calls over the range.
  const usageRows = await api(`/api/kpi/usage?${range}&pageSize=1000`);
  const busiest = [...usageRows.items].sort((a, b) => b.calls - a.calls)[0];
  check(busiest, 'no usage in the range');
  await open('/usage', range);
  const usageCells = page.getByTestId(`usage-row-${busiest.function}`).first();
  await usageCells.waitFor({ timeout: timeout() });
  const calls = await usageCells.getByTestId('usage-calls').innerText();
  const unique = await usageCells.getByTestId('usage-unique').innerText();
  check(calls === String(busiest.calls) && unique === String(busiest.uniqueCallers),
    `usage: ${busiest.function} shows ${calls} calls / ${unique} callers, API ${busiest.calls} / ${busiest.uniqueCallers}`);
  log(`usage: ${busiest.function} ${calls} calls, ${unique} unique callers = API`);
  await screenshot('usage');

  // Anomalies: the newest hour's value of the transaction series.
  const anomalies = await api(`/api/kpi/anomalies?${range}&metric=tx_count&pageSize=1000`);
  const newestHour = anomalies.items.at(-1);
  check(newestHour, 'no anomaly hours in the range');
  await open('/anomalies', `${encodedRange}&metric=tx_count`);
  await expectText('anomaly-value', decimal(newestHour.value, 4), 'anomalies: newest hour value');
  log(`anomalies: newest hour value ${decimal(newestHour.value, 4)} = API`);
  await screenshot('anomalies');

  check(pageProblems.length === 0, `the page reported errors:\n${pageProblems.join('\n')}`);
  console.log('views e2e: PASS');
} catch (error) {
  exitCode = error instanceof CheckFailed ? 1 : 2;
  console.error(`views e2e: FAIL: ${error instanceof Error ? error.message : String(error)}`);
  for (const problem of pageProblems.slice(0, 10)) console.error(`  ${problem}`);
  if (page && options.screenshots) await page.screenshot({ path: path.join(options.screenshots, 'failure.png'), fullPage: true }).catch(() => {});
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  await rm(downloads, { recursive: true, force: true }).catch(() => {});
}
process.exit(exitCode);
