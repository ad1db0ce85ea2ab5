#!/usr/bin/env node
// End-to-end check of every analytics view against a running Ciro.Web host, in Debian's Chromium (never a
// downloaded one):
//
//   node e2e/views.e2e.mjs http://127.0.0.1:8080 [--from ISO --to ISO] [--chain URL] [--screenshots dir] [--timeout 120]
//
// One fixed, past range is used for every view, so the figures cannot move while they are compared: --from/--to
// (whole hours: bucketed answers cover every bucket that overlaps the range), or by default the three whole hours
// before the newest indexed block's hour. With --chain (the chain simulator's base URL, its admin key in
// CIRO_E2E_CHAIN_KEY) the script first reads the simulator's ground truth for the range (/admin/state,
// /admin/blocks/{n}) and computes by hand what the views must show: blocks, transactions, reverted share, TPS over
// the chain's own block intervals, L2 gas fullness, inclusion intervals, jobs assigned and completed (the
// leaderboard's totals), the hourly transaction count of the anomaly series. Each view must then show those
// numbers, and also the analytics API's (through the same host) for the same filters; a filter must change the URL
// and the data; a drill-down must keep the range; an export must download the rows the API gives. Screenshots of
// every view go to --screenshots. Prints one JSON line last: {"range", "truth", "checked"} (the caller,
// CiroAspire.AppHost.Tests/ViewsTruthTests, logs it). Exit codes: 0 pass, 1 a check failed (the message says which),
// 2 bad usage or no browser.
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { signIn } from './sign-in.mjs';

function usage(message) {
  console.error(`views e2e: ${message}`);
  console.error('usage: node e2e/views.e2e.mjs <base-url> [--from ISO --to ISO] [--chain URL] [--screenshots dir] [--timeout seconds]');
  process.exit(2);
}

const argv = process.argv.slice(2);
const options = { baseUrl: undefined, from: undefined, to: undefined, chain: undefined, screenshots: undefined, timeoutMs: 120_000 };
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--from') options.from = argv[++i] ?? usage('--from needs a time');
  else if (argv[i] === '--to') options.to = argv[++i] ?? usage('--to needs a time');
  else if (argv[i] === '--chain') options.chain = argv[++i] ?? usage('--chain needs the simulator URL');
  else if (argv[i] === '--screenshots') options.screenshots = argv[++i] ?? usage('--screenshots needs a folder');
  else if (argv[i] === '--timeout') options.timeoutMs = Number(argv[++i]) * 1000;
  else if (argv[i].startsWith('--')) usage(`unknown option ${argv[i]}`);
  else options.baseUrl = argv[i];
}
if (!options.baseUrl || !URL.canParse(options.baseUrl)) usage('missing or bad base URL');
if (!(options.timeoutMs > 0)) usage('--timeout needs a number of seconds');
if ((options.from === undefined) !== (options.to === undefined)) usage('--from and --to go together');
for (const [name, value] of [['--from', options.from], ['--to', options.to]]) {
  if (value !== undefined && (Number.isNaN(Date.parse(value)) || Date.parse(value) % 3_600_000 !== 0)) usage(`${name} must be an ISO-8601 time on a whole hour, got ${value}`);
}
if (options.chain !== undefined && !URL.canParse(options.chain)) usage(`--chain is not a URL: ${options.chain}`);
// The views' tiles and tables show the newest bucket (an hour): the ground truth is of one hour.
if (options.chain !== undefined && Date.parse(options.to ?? '') - Date.parse(options.from ?? '') !== 3_600_000) usage('--chain needs --from and --to one hour apart');
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

/** The chain simulator's admin API (ground truth): its key from CIRO_E2E_CHAIN_KEY. */
async function chainAdmin(pathAndQuery) {
  const response = await fetch(`${options.chain.replace(/\/+$/, '')}${pathAndQuery}`, {
    headers: { Accept: 'application/json', 'X-Admin-Key': process.env.CIRO_E2E_CHAIN_KEY ?? '' },
  });
  if (!response.ok) throw new CheckFailed(`simulator GET ${pathAndQuery} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

/** The first block at or after `seconds` (block timestamps never decrease), or head + 1. */
async function firstBlockAtOrAfter(seconds, head) {
  let low = 0;
  let high = head + 1;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if ((await chainAdmin(`/admin/blocks/${middle}`)).timestamp >= seconds) high = middle;
    else low = middle + 1;
  }
  return low;
}

// Rounded as the API rounds ratios (6 places) before the page formats them.
const round6 = (value) => Math.round(value * 1e6) / 1e6;

/**
 * What the views must show for [from, to), computed by hand from the simulator's canonical blocks: every block whose
 * timestamp is in the range, and the block before the first (block n's inclusion interval is its time minus block
 * n − 1's, counted in block n's bucket).
 */
async function groundTruth(from, to) {
  const state = await chainAdmin('/admin/state');
  const fromSeconds = from.getTime() / 1000;
  const toSeconds = to.getTime() / 1000;
  check(state.head.timestamp >= toSeconds, `the simulator's head (block ${state.head.number} at ${state.head.timestamp}) has not passed the range's end ${toSeconds}`);
  const first = await firstBlockAtOrAfter(fromSeconds, state.head.number);
  const end = await firstBlockAtOrAfter(toSeconds, state.head.number);
  check(end > first, `the simulator has no block in ${from.toISOString()} → ${to.toISOString()}`);
  const numbers = [];
  for (let n = Math.max(0, first - 1); n < end; n++) numbers.push(n);
  const blocks = new Map();
  for (let i = 0; i < numbers.length; i += 16) {
    const batch = await Promise.all(numbers.slice(i, i + 16).map((n) => chainAdmin(`/admin/blocks/${n}`)));
    for (const block of batch) blocks.set(block.number, block);
  }
  const truth = { firstBlock: first, lastBlock: end - 1, blocks: 0, transactions: 0, reverted: 0, events: 0, l2Gas: 0n, intervals: 0, intervalSeconds: 0, eventsByName: {} };
  for (let n = first; n < end; n++) {
    const block = blocks.get(n);
    check(block.timestamp >= fromSeconds && block.timestamp < toSeconds, `block ${n} at ${block.timestamp} is outside the range`);
    truth.blocks += 1;
    truth.transactions += block.transactionCount;
    truth.reverted += block.revertedTransactions;
    truth.events += block.eventCount;
    truth.l2Gas += BigInt(block.l2GasUsed);
    for (const [name, count] of Object.entries(block.eventsByName)) truth.eventsByName[name] = (truth.eventsByName[name] ?? 0) + count;
    if (n > 0) {
      truth.intervals += 1;
      truth.intervalSeconds += block.timestamp - blocks.get(n - 1).timestamp;
    }
  }
  truth.blockL2GasLimit = BigInt(state.gas.blockL2GasLimit);
  return truth;
}

/** Every cell of a column of a table, as numbers (grouped digits allowed). */
async function columnSum(locator) {
  const cells = await locator.allInnerTexts();
  return cells.reduce((sum, cell) => sum + Number(cell.replaceAll(',', '')), 0);
}

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
  const to = options.to ? new Date(options.to) : new Date(Math.floor(Date.parse(status.newestBlockTime) / 3_600_000) * 3_600_000);
  const from = options.from ? new Date(options.from) : new Date(to.getTime() - 3 * 3_600_000);
  const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
  const encodedRange = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  log(`range ${from.toISOString()} → ${to.toISOString()} (newest block ${status.newestBlock})`);
  const checked = [];

  // The simulator's ground truth, and the stack caught up with it: the range's blocks indexed and rolled up.
  const truth = options.chain ? await groundTruth(from, to) : undefined;
  if (truth) {
    log(`truth: blocks ${truth.firstBlock}..${truth.lastBlock}, ${truth.transactions} tx (${truth.reverted} reverted), ${truth.intervals} intervals, ` +
      `JobAssigned ${truth.eventsByName.JobAssigned ?? 0}, JobCompleted ${truth.eventsByName.JobCompleted ?? 0}`);
    const caughtUp = Date.now() + Math.min(timeout(), 240_000);
    let totals;
    while (Date.now() < caughtUp) {
      const rows = (await api(`/api/kpi/network?${range}`)).items;
      totals = { blocks: rows.reduce((s, r) => s + r.blocks, 0), transactions: rows.reduce((s, r) => s + r.transactions, 0) };
      if (totals.blocks === truth.blocks && totals.transactions === truth.transactions) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    check(totals.blocks === truth.blocks && totals.transactions === truth.transactions,
      `the API has ${totals.blocks} blocks / ${totals.transactions} tx in the range, the simulator ${truth.blocks} / ${truth.transactions}`);
  }

  // Overview: the newest bucket's TPS tile.
  const network = await api(`/api/kpi/network?${range}`);
  const newest = network.items.at(-1);
  check(newest, `no block before ${to.toISOString()}: the chain needs a finished hour (start the simulator with history, --Simulator:PregenerateBlocks=N)`);
  await open('/', range);
  await expectText('net-tps', decimal(newest.tps, 3), 'overview TPS');
  await expectText('net-reverted', `${(newest.revertedShare * 100).toFixed(2)}%`, 'overview reverted share');
  await expectText('status-indexer', status.indexerState, 'status summary indexer state');
  log(`overview: TPS ${decimal(newest.tps, 3)}, reverted ${newest.revertedShare} = API`);
  if (truth) {
    // TPS divides by the chain's own time (the sum of the hour's block intervals), not by the hour.
    await expectText('net-tps', decimal(round6(truth.transactions / truth.intervalSeconds), 3), 'overview TPS vs the simulator');
    await expectText('net-reverted', `${(round6(truth.reverted / truth.transactions) * 100).toFixed(2)}%`, 'overview reverted share vs the simulator');
    const fullness = round6(Number(truth.l2Gas) / Number(BigInt(truth.blocks) * truth.blockL2GasLimit));
    await expectText('net-fullness', `${(fullness * 100).toFixed(2)}%`, 'overview L2 gas fullness vs the simulator');
    const hint = (await page.getByTestId('net-tps').locator('xpath=..').locator('.kpi__hint').innerText()).trim();
    check(hint === `${truth.transactions} tx in ${truth.blocks} blocks`, `overview shows "${hint}", the simulator has ${truth.transactions} tx in ${truth.blocks} blocks`);
    checked.push(`overview: ${hint}, TPS ${decimal(round6(truth.transactions / truth.intervalSeconds), 3)}, reverted ${truth.reverted}/${truth.transactions}, fullness ${(fullness * 100).toFixed(2)}%`);
    log(`overview = simulator: ${checked.at(-1)}`);
  }
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
  if (truth) {
    const mean = seconds(round6(truth.intervalSeconds / truth.intervals), 3);
    check(inclusionCells[1] === String(truth.intervals) && inclusionCells[2] === mean,
      `timing: the hour shows ${inclusionCells[1]} inclusion intervals, mean ${inclusionCells[2]}; the simulator's blocks give ${truth.intervals}, mean ${mean}`);
    checked.push(`timing: ${truth.intervals} inclusion intervals, mean ${mean}`);
    log(`timing = simulator: ${checked.at(-1)}`);
  }
  await screenshot('timing');

  // Workers: the leader's completed jobs; its detail keeps the range and shows its rank and stake.
  const board = await api(`/api/kpi/workers/leaderboard?${range}&pageSize=1000`);
  const leader = board.items[0];
  check(leader, 'no worker in the range');
  await open('/workers', range);
  await expectText('worker-completed', String(leader.completed), `leaderboard: completed jobs of ${leader.worker}`);
  if (truth) {
    // Every worker on one page (the table pages by 10): the column totals are the range's JobAssigned / JobCompleted.
    check(board.items.length <= 10, `${board.items.length} workers do not fit one page of the leaderboard`);
    const table = page.getByTestId('leaderboard-table');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="worker-link"]').length === n, board.items.length, { timeout: timeout() });
    const completedSum = await columnSum(table.getByTestId('worker-completed'));
    const headers = await table.locator('thead th').allInnerTexts();
    const assignedColumn = headers.findIndex((h) => h.trim().startsWith('Assigned'));
    check(assignedColumn >= 0, `the leaderboard has no Assigned column (${headers.join(' | ')})`);
    const assignedSum = await columnSum(table.locator(`tbody tr td:nth-child(${assignedColumn + 1})`));
    const assigned = truth.eventsByName.JobAssigned ?? 0;
    const completed = truth.eventsByName.JobCompleted ?? 0;
    check(completedSum === completed && assignedSum === assigned,
      `leaderboard totals: ${assignedSum} assigned / ${completedSum} completed; the simulator's blocks have ${assigned} JobAssigned / ${completed} JobCompleted`);
    checked.push(`workers: ${board.items.length} workers, ${assignedSum} assigned, ${completedSum} completed`);
    log(`workers = simulator: ${checked.at(-1)}`);
  }
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
  if (truth) {
    await expectText('anomaly-value', String(truth.transactions), 'anomalies: the hour\'s transactions vs the simulator');
    checked.push(`anomalies: tx_count ${truth.transactions}`);
    log(`anomalies = simulator: ${checked.at(-1)}`);
  }
  await screenshot('anomalies');

  // The compare toggle: on the hour after the range (still filling), the timing charts overlay the hour before it (the
  // range's last hour: from/to shifted by the hour's length) as the previous period — the toggle goes to the URL, the
  // same API call is made for the shifted range, the inclusion chart draws a second, dashed series whose point sits on
  // the current one's x, and its values (the chart's tooltip on that point) are the API's for the shifted range.
  const previousFrom = new Date(to.getTime() - 3_600_000);
  const nextHour = `from=${encodeURIComponent(to.toISOString())}&to=${encodeURIComponent(new Date(to.getTime() + 3_600_000).toISOString())}`;
  await open('/timing', nextHour);
  await page.getByTestId('inclusion-chart').locator('.recharts-line').first().waitFor({ state: 'attached', timeout: timeout() });
  const previousCall = page.waitForRequest((request) => {
    const url = new URL(request.url());
    return url.pathname === '/api/kpi/timing/inclusion' && url.searchParams.get('from') === previousFrom.toISOString() && url.searchParams.get('to') === to.toISOString();
  }, { timeout: timeout() });
  // click, not check(): the box follows the URL, so it turns checked only once the router has navigated, and
  // Playwright's check() reads it back straight after the click.
  await page.getByTestId('filter-compare').click();
  await page.waitForURL((url) => url.searchParams.get('compare') === 'previous' && url.searchParams.get('from') === to.toISOString(), { timeout: timeout() });
  await previousCall;
  const chart = page.getByTestId('inclusion-chart');
  // Six lines (p50, p95, p99 and their previous-period twins); a previous line and its dots are drawn at half opacity.
  const dots = async () => ({
    lines: await chart.locator('.recharts-line').count(),
    current: await chart.locator('circle.recharts-line-dot:not([stroke-opacity="0.5"])').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cx')))),
    previous: await chart.locator('circle.recharts-line-dot[stroke-opacity="0.5"]').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cx')))),
  });
  const drawn = Date.now() + Math.min(timeout(), 60_000);
  let seen = await dots();
  while (Date.now() < drawn && !(seen.lines === 6 && seen.previous.length > 0)) {
    await page.waitForTimeout(250);
    seen = await dots();
  }
  const legend = await chart.locator('.recharts-legend-item-text').allInnerTexts();
  check(legend.includes('p50 (s), previous period') && seen.lines === 6, `the inclusion chart draws ${seen.lines} lines, legend ${legend.join(' | ')}: no previous-period series`);
  const currentXs = seen.current;
  const previousXs = seen.previous;
  check(previousXs.length > 0 && currentXs.length > 0 && previousXs.every((x) => currentXs.some((c) => Math.abs(c - x) < 0.5)),
    `the previous period's points (x ${previousXs.join(', ')}) are not on the current buckets (x ${currentXs.join(', ')})`);
  checked.push(`compare: ?compare=previous, inclusion for ${previousFrom.toISOString()} → ${to.toISOString()} fetched, ${previousXs.length} previous points on the current buckets`);

  // The previous period's values, on the job-stage chart (stage durations differ from hour to hour; the 10 s chain's
  // inclusion percentiles are the same every hour, so they could not tell the shifted hour from another): hovering the
  // previous point shows, per series, the value the API gives for the shifted hour's bucket of the shown stage.
  const stageLabels = { submitted_to_completed: 'submitted → completed', assigned_to_completed: 'assigned → completed', completed_to_paid: 'completed → paid' };
  const stagesChart = page.getByTestId('stages-chart');
  await stagesChart.waitFor({ timeout: timeout() });
  const shownLabel = (await page.getByTestId('stage-picker').locator('[role="radio"][aria-checked="true"]').innerText()).trim();
  const stage = Object.keys(stageLabels).find((key) => stageLabels[key] === shownLabel) ?? shownLabel;
  const previousStages = await api(`/api/kpi/timing/jobs?from=${encodeURIComponent(previousFrom.toISOString())}&to=${encodeURIComponent(to.toISOString())}`);
  const previousStage = previousStages.items.filter((r) => r.stage === stage);
  check(previousStage.length === 1, `the API has ${previousStage.length} ${stage} buckets for ${previousFrom.toISOString()} → ${to.toISOString()}, expected one`);
  const expectedTooltip = Object.fromEntries([['mean', 'meanSeconds'], ['p50', 'p50Seconds'], ['p95', 'p95Seconds'], ['p99', 'p99Seconds']]
    .filter(([, field]) => previousStage[0][field] !== null)
    .map(([series, field]) => [`${series} (s), previous period`, String(previousStage[0][field])]));
  const previousDots = stagesChart.locator('circle.recharts-line-dot[stroke-opacity="0.5"]');
  const dotsUntil = Date.now() + Math.min(timeout(), 30_000);
  while (Date.now() < dotsUntil && (await previousDots.count()) === 0) await page.waitForTimeout(250);
  const box = await previousDots.first().boundingBox();
  check(box, `the ${stage} chart draws no previous-period point`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const tooltip = stagesChart.locator('.recharts-tooltip-wrapper .recharts-tooltip-item');
  const sorted = (o) => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  const shownUntil = Date.now() + Math.min(timeout(), 30_000);
  let shown = {};
  while (Date.now() < shownUntil) {
    const names = await tooltip.locator('.recharts-tooltip-item-name').allInnerTexts();
    const values = await tooltip.locator('.recharts-tooltip-item-value').allInnerTexts();
    shown = Object.fromEntries(names.map((name, i) => [name.trim(), values[i]?.trim()]).filter(([name]) => name.endsWith(', previous period')));
    if (sorted(shown) === sorted(expectedTooltip)) break;
    await page.waitForTimeout(250);
  }
  check(sorted(shown) === sorted(expectedTooltip),
    `the previous period's ${stage} values on the chart are ${JSON.stringify(shown)}; the API gives ${JSON.stringify(expectedTooltip)} for ${previousFrom.toISOString()} → ${to.toISOString()}`);
  checked[checked.length - 1] += `; ${stage} previous-period values = API for the shifted hour (${Object.entries(expectedTooltip).map(([k, v]) => `${k.split(' ')[0]} ${v}`).join(', ')} s)`;
  log(checked.at(-1));
  await screenshot('timing-compare');

  check(pageProblems.length === 0, `the page reported errors:\n${pageProblems.join('\n')}`);
  console.log('views e2e: PASS');
  console.log(JSON.stringify({ range: { from: from.toISOString(), to: to.toISOString() }, truth: truth && { ...truth, l2Gas: String(truth.l2Gas), blockL2GasLimit: String(truth.blockL2GasLimit) }, checked }));
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
