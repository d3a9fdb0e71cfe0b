// Browser test of the "Paris and COP28" page (#/paris) in Debian's headless
// Chromium: every number checked here is read from the page and compared
// with the API's answer (/api/warming, /api/goals), so the page shows what
// the API says and computes nothing itself. Screenshots (light and dark)
// go to test-output/ at the repository root, like dashboard.test.js.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';
import {start, outputDir} from './server.js';

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];

let server;
let context;
let profile;

before(async () => {
  fs.mkdirSync(outputDir, {recursive: true});
  server = await start();
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'stocktake-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs, viewport: {width: 1280, height: 900}, timeout: 60000,
  });
  // Actions (screenshots, clicks) may wait up to 90 s: the suite runs beside
  // the Go tests (scripts/test.sh), and a slow machine is not a failure.
  context.setDefaultTimeout(90000);
}, {timeout: 600000}); // the shared seed may be built beside the Go tests (scripts/test.sh)

after(async () => {
  if (context) await context.close();
  if (profile) fs.rmSync(profile, {recursive: true, force: true});
  if (server) await server.stop();
});

async function open(route, scheme = 'light') {
  const page = await context.newPage();
  await page.emulateMedia({colorScheme: scheme});
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !(m.location().url || '').includes('/api/events')) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.base}/${route}`);
  await page.waitForFunction(() => !document.querySelector('main').hasAttribute('aria-busy'), null, {timeout: 60000});
  return {page, errors};
}

const api = async (p) => (await fetch(`${server.base}${p}`)).json();
const two = (v) => v.toFixed(2);

test('Paris and COP28: warming levels, days above 1.5 and 2 °C, budget and goals agree with the API', async () => {
  const [w, goals] = await Promise.all([api('/api/warming'), api('/api/goals')]);
  const {page, errors} = await open('#/paris');
  assert.equal(await page.locator('h1').innerText(), 'Paris and COP28');
  assert.equal(await page.locator('a[data-nav="paris"][aria-current="page"]').count(), 1, 'the nav marks the page');

  // Thermometer: the multi-dataset long-term level, its spread and members.
  const e = w.long_term_level;
  const big = await page.locator('[data-value="long-term-mean"]').innerText();
  assert.ok(big.includes(`${two(e.mean)} °C`) && big.includes(`spread ${two(e.spread)} °C`), big);
  assert.equal(await page.locator('svg.thermometer circle[data-dataset]').count(), e.members.length);
  const thermo = await page.locator('section.thermo').innerText();
  for (const m of e.members) {
    const d = w.datasets.find((x) => x.dataset === m.dataset);
    assert.ok(thermo.includes(`Source: ${d.source.dataset}`), `source of ${m.dataset} beside its level`);
  }

  // Levels table: the latest ERA5 day and each dataset's long-term level.
  const era = w.datasets.find((d) => d.key === 'era5');
  const day = await page.locator('[data-cell="day"]').first().innerText();
  assert.ok(day.startsWith(`${two(era.latest_day.value)} °C`), day);
  const levels = await page.locator('table.warming-levels').innerText();
  for (const d of w.datasets) {
    if (d.long_term_level) assert.ok(levels.includes(`${two(d.long_term_level.value)} °C`), `${d.dataset} level in ${levels}`);
    assert.ok(levels.includes(d.source.dataset), `${d.dataset} source`);
  }

  // Days at or above 1.5 and 2.0 °C in the year, and the first day above 2.
  const d15 = era.thresholds.find((t) => t.steps === 'days' && t.threshold === 1.5);
  const d20 = era.thresholds.find((t) => t.steps === 'days' && t.threshold === 2);
  assert.equal(await page.locator('[data-value="days15"]').innerText(), String(d15.in_year.above));
  assert.equal(await page.locator('[data-value="days20"]').innerText(), String(d20.in_year.above));
  assert.ok(d20.first, 'the API names a first day at or above 2 °C');
  const first = await page.locator('[data-value="first20"]').innerText();
  assert.match(first, /17 November 2023|November 17, 2023|17 Nov/, first);
  // The daily chart holds the year's days and the two threshold lines.
  const chart = await page.evaluate(() => {
    const u = window.__stocktake.charts['paris-daily'];
    return u ? {n: u.data[0].length, series: u.series.length, last: u.data[1][u.data[1].length - 1], l15: u.data[2][0], l20: u.data[3][0]} : null;
  });
  assert.ok(chart, 'the daily chart is drawn');
  assert.equal(chart.n, era.days.length);
  assert.equal(chart.last, era.days[era.days.length - 1].value);
  assert.deepEqual([chart.series, chart.l15, chart.l20], [4, 1.5, 2]);

  // Days by year: the counts of every year and the sentence of its latest
  // crossing event, as /api/warming gives them; 2024's latest crossing is
  // a stored threshold event of /api/events.
  assert.ok(era.days_by_year.length > 0, 'the API lists years with days at or above 1.5 °C');
  for (const y of era.days_by_year) {
    assert.equal(await page.locator(`[data-days15="${y.year}"]`).innerText(), String(y.days_at_or_above_1_5), `${y.year} at 1.5`);
    assert.equal(await page.locator(`[data-days20="${y.year}"]`).innerText(), String(y.days_at_or_above_2_0), `${y.year} at 2.0`);
    assert.equal(await page.locator(`[data-latest="${y.year}"]`).innerText(), y.latest_event.sentence, `${y.year} latest crossing`);
  }
  const y24 = era.days_by_year.find((y) => y.year === 2024);
  const evs = await api('/api/events?historical=true&kind=above-1.5-day,above-2.0-day&limit=1000');
  const ev = evs.events.find((e) => e.id === y24.latest_event.id);
  assert.ok(ev && ev.date === '2024-12-31' && ev.sentence === y24.latest_event.sentence, 'the latest crossing of 2024 is a stored event');

  // Budget: the remaining GtCO2 of every budget.
  for (const b of w.budgets) {
    assert.equal(await page.locator(`[data-budget="${b.budget.id}"]`).innerText(), b.remaining_gtco2.toFixed(1));
  }

  // One chart per goal, with its status and the path from the API.
  for (const g of goals.goals) {
    const art = page.locator(`article.goal[data-goal="${g.goal.id}"]`);
    assert.equal(await art.count(), 1, g.goal.id);
    const status = await art.locator('[data-value="goal-status"]').innerText();
    const want = g.on_track === true ? 'on track' : g.on_track === false ? 'off track' : g.direction;
    assert.ok(status.startsWith(want) && status.includes(String(g.latest.year)), `${g.goal.id}: ${status}`);
    const ch = await page.evaluate((id) => {
      const u = window.__stocktake.charts[`goal-${id}`];
      return u ? {x: Array.from(u.data[0]), req: Array.from(u.data[2])} : null;
    }, g.goal.id);
    assert.ok(ch, `chart of ${g.goal.id}`);
    for (const r of g.required_path) assert.equal(ch.req[ch.x.indexOf(r.year)], r.value, `${g.goal.id} ${r.year}`);
    const text = await art.innerText();
    for (const s of g.sources) assert.ok(text.includes(`Source: ${s.source.dataset}`), `${g.goal.id}: source ${s.source.dataset}`);
  }
  await page.locator('[data-goal="triple-renewables"]').scrollIntoViewIfNeeded();
  await page.screenshot({path: path.join(outputDir, 'paris-light.png'), fullPage: true});
  assert.deepEqual(errors, []);
  await page.close();
});

test('Paris and COP28: choosing a year asks the API for it; dark scheme', async () => {
  const {page, errors} = await open('#/paris?year=2023', 'dark');
  const w = await api('/api/warming?year=2023');
  const d15 = w.datasets.find((d) => d.key === 'era5').thresholds.find((t) => t.steps === 'days' && t.threshold === 1.5);
  assert.equal(await page.locator('[data-value="days15"]').innerText(), String(d15.in_year.above));
  assert.ok(await page.evaluate(() => window.__stocktake.fetched.some((u) => u.startsWith('/api/warming') && u.includes('year=2023'))));
  await page.selectOption('select[name="year"]', '2024');
  await page.waitForFunction(() => window.__stocktake.fetched.some((u) => u.startsWith('/api/warming') && u.includes('year=2024')));
  await page.waitForFunction(() => !document.querySelector('main').hasAttribute('aria-busy'));
  const w24 = await api('/api/warming?year=2024');
  const d24 = w24.datasets.find((d) => d.key === 'era5').thresholds.find((t) => t.steps === 'days' && t.threshold === 1.5);
  await page.waitForFunction((n) => document.querySelector('[data-value="days15"]')?.textContent === n, String(d24.in_year.above));
  await page.screenshot({path: path.join(outputDir, 'paris-dark.png'), fullPage: true});
  assert.deepEqual(errors, []);
  await page.close();
});
