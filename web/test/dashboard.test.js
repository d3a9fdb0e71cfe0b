// End-to-end tests of the dashboard in Debian's headless Chromium, driven by
// playwright-core (never `npx playwright install`: the browser is the
// system's /usr/bin/chromium). The server is built and started by
// server.js from the real data in ../shared/data. Screenshots go to
// test-output/ at the repository root.

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
  const r = await fetch(`${server.base}/`);
  const body = await r.text();
  assert.ok(r.ok && body.includes('<main id="main"'),
    `GET / answered ${r.status}, not the dashboard: cmd/stocktake/serve.go must pass api.Options{UI: web.Handler()} ` +
    '(set STOCKTAKE_E2E_PATCH_SERVE=1 to test with that line patched in)');
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'stocktake-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
    viewport: {width: 1280, height: 900},
    timeout: 60000,
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

// open loads a dashboard route in a new page and collects console errors
// and uncaught exceptions.
async function open(route, {scheme = 'light', now = null} = {}) {
  const page = await context.newPage();
  await page.emulateMedia({colorScheme: scheme});
  // now fixes the browser's clock (Date.now) for tests of computed ages.
  if (now) await page.clock.setFixedTime(now);
  const errors = [];
  page.on('console', (m) => {
    // The optional /api/events endpoint may answer 404: the dashboard then
    // hides its panel, and Chromium logs the failed request by itself.
    if (m.type() === 'error' && !(m.location().url || '').includes('/api/events')) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.base}/${route}`);
  await page.waitForFunction(() => !document.querySelector('main').hasAttribute('aria-busy'), null, {timeout: 60000});
  return {page, errors};
}

async function shot(page, name) {
  await page.screenshot({path: path.join(outputDir, `${name}.png`), fullPage: true});
}

// seriesCount returns the number of uPlot series of a registered chart.
function seriesCount(page, name) {
  return page.evaluate((n) => window.__stocktake.charts[n]?.series.length ?? 0, name);
}

// hover moves the pointer over a chart and returns the readout's text.
async function hover(page, name, fx = 0.6, fy = 0.5) {
  const over = page.locator(`.chart-box[data-chart="${name}"] .u-over`);
  await over.scrollIntoViewIfNeeded();
  const box = await over.boundingBox();
  assert.ok(box, `chart ${name} has a plot area`);
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
  await page.mouse.move(box.x + box.width * fx + 3, box.y + box.height * fy, {steps: 2});
  return page.locator(`.readout[data-chart="${name}"]`).innerText();
}

test('overview: a card per vital sign with value, anomaly, rank, record sentence and source', async () => {
  const {page, errors} = await open('');
  const cards = page.locator('article.card');
  assert.ok(await cards.count() >= 10, `cards: ${await cards.count()}`);
  const sst = page.locator('article.card[data-indicator="sst.world"]');
  const text = await sst.innerText();
  assert.match(text, /\d+\.\d+ °C/);
  assert.match(text, /vs 1991-2020/);
  assert.match(text, /(joint )?(\d+(st|nd|rd|th) )?highest of \d+ years for/);
  assert.match(text, /Source: climate-reanalyzer-sst\.world/);
  assert.match(text, /Data age/);
  assert.ok(await page.locator('article.card.is-record .sentence').count() >= 1, 'a record sentence is shown');
  // Ocean heat content (annual): the change on the year before and the rank
  // among years, with its source.
  const ohc = await page.locator('article.card[data-indicator="ohc.jma"]').innerText();
  assert.match(ohc, /[+−]\d+\.\d+ 10²² J on \d{4}/, ohc);
  assert.match(ohc, /(joint )?(\d+(st|nd|rd|th) )?highest of \d+ years\b(?! for)/, ohc);
  assert.match(ohc, /Source: jma-ohc-global/, ohc);
  // Sea level (irregular): the rise since the first year and the trend.
  const sl = await page.locator('article.card[data-indicator="gmsl"]').innerText();
  assert.match(sl, /\d+\.?\d* mm/, sl);
  assert.match(sl, /\+\d+ mm \(\d+\.\d cm\) since 1993/, sl);
  assert.match(sl, /Trend \+\d\.\d mm a year/, sl);
  assert.match(sl, /Source: cu-gmsl/, sl);
  assert.doesNotMatch(sl, /years for/, 'no rank for the date of an irregular series');
  // The Arctic card's default version stops in 2025; version 4.0 runs on.
  const newer = page.locator('article.card[data-indicator="seaice.north"] .newer a');
  assert.equal(await newer.getAttribute('href'), '#/indicator/seaice.north@4.0');
  assert.match(await newer.innerText(), /version 4\.0, to \d+ \w+ 20\d\d/);
  const sha = await sst.locator('a.src-sha').getAttribute('href');
  assert.match(sha, /^\/api\/versions\?dataset=/);
  // The events panel is shown only when /api/events answers.
  const events = await page.evaluate(async () => (await fetch('/api/events?limit=1')).status);
  assert.equal(await page.locator('#ov-events').count(), events === 200 ? 1 : 0);
  await shot(page, 'overview');
  assert.deepEqual(errors, []);
  await page.close();
});

test('overview: the Arctic anomaly is the API anomalies answer (NSIDC 1981-2010 climatology)', async () => {
  const {page, errors} = await open('');
  const card = page.locator('article.card[data-indicator="seaice.north"]');
  const shown = await card.locator('.anomaly span').first().innerText();
  const date = await page.evaluate(async () => (await (await fetch('/api/overview')).json()).signs.find((s) => s.indicator === 'seaice.north').latest.date);
  const an = await page.evaluate(async (d) => (await fetch(`/api/anomalies/seaice.north?from=${d}&to=${d}`)).json(), date);
  assert.equal(an.baseline, '1981-2010');
  assert.equal(an.convention, 'daycount');
  assert.equal(parseFloat(shown.replace('−', '-')), Number(an.points[0].value.toFixed(2)), `card ${shown} vs API ${JSON.stringify(an.points)}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('overview: data ages come from the browser clock, not the cached answer', async () => {
  const {page, errors} = await open('', {now: new Date('2031-03-01T12:00:00Z')});
  const card = page.locator('article.card[data-indicator="sst.world"]');
  const date = await card.locator('.date').innerText();
  const days = Math.round((Date.UTC(2031, 2, 1) - Date.parse(`${date} UTC`)) / 86400000);
  assert.equal(Number(await card.locator('.age').getAttribute('data-age-days')), days);
  assert.match(await card.locator('.age').innerText(), /\d\.\d years old\s*stale/);
  assert.match(await page.locator('main').innerText(), /ages counted to 1 March 2031/);
  // The answer is requested for the data version (cached for a year), so it
  // must not carry an age of its own.
  const ov = (await page.evaluate(() => window.__stocktake.fetched)).find((u) => u.startsWith('/api/overview'));
  assert.match(ov, /v=/);
  const body = await page.evaluate(async (u) => (await fetch(u)).text(), ov);
  assert.doesNotMatch(body, /data_age_days|"today"/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('daily page: spaghetti chart, hover, baseline and smoothing selectors, records', async () => {
  const {page, errors} = await open('#/indicator/sst.world');
  await page.waitForFunction(() => window.__stocktake.charts.spaghetti);
  assert.ok(await page.locator('.chart-box[data-chart="spaghetti"] canvas').count() >= 1, 'canvas present');
  const n = await seriesCount(page, 'spaghetti');
  assert.ok(n > 40, `spaghetti series: ${n}`);
  const readout = await hover(page, 'spaghetti');
  assert.match(readout, /\d+\.\d+ °C/, `readout: ${readout}`);
  // The records of the latest year are listed with their streaks.
  await page.locator('.records-summary').waitFor();
  assert.match(await page.locator('.records-summary').innerText(), /\d+ days? of \d{4} set a record high/);
  await shot(page, 'daily-sst-world');

  // Smoothing: the chart is fetched again with smooth=5d and says so.
  const before = await page.locator('figure.chart figcaption').innerText();
  await page.selectOption('select[name=smooth]', '5d');
  await page.waitForFunction(() => window.__stocktake.fetched.some((u) => u.includes('/api/daily/sst.world') && u.includes('smooth=5d')));
  await page.waitForFunction(() => window.__stocktake.charts.spaghetti && document.querySelector('figure.chart figcaption')?.textContent.includes('5d running mean'));
  assert.notEqual(await page.locator('figure.chart figcaption').innerText(), before);
  // Baseline: the legend names the new baseline.
  await page.selectOption('select[name=baseline]', '1982-2011');
  await page.waitForFunction(() => [...document.querySelectorAll('.legend li')].some((li) => li.textContent.includes('Mean 1982-2011')));
  assert.ok((await page.evaluate(() => window.__stocktake.fetched)).some((u) => u.includes('baseline=1982-2011')));
  assert.match(page.url(), /baseline=1982-2011/);
  // Band: switching to ±2σ keeps the chart.
  await page.selectOption('select[name=band]', '2sd');
  await page.waitForFunction(() => [...document.querySelectorAll('.legend li')].some((li) => li.textContent.includes('mean ± 2σ')));
  assert.ok(await seriesCount(page, 'spaghetti') > 40);
  assert.match(await hover(page, 'spaghetti', 0.3), /\d+\.\d+ °C/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('daily page: Antarctic sea ice highlights the record year, dark scheme', async () => {
  const {page, errors} = await open('#/indicator/seaice.south?smooth=5d', {scheme: 'dark'});
  await page.waitForFunction(() => window.__stocktake.charts.spaghetti);
  const legend = await page.locator('.legend').first().innerText();
  assert.match(legend, /\d{4} \(record low: \d+\.\d+ million km² on \d+ February \d{4}\)/);
  assert.match(await hover(page, 'spaghetti', 0.12, 0.8), /million km²/);
  await page.selectOption('select[name=year]', '2023');
  await page.waitForFunction(() => document.querySelector('.records-summary')?.textContent.includes('of 2023 set a record low'));
  // A single empty slot between two values is drawn as their mean (29
  // February of common years; every other day before August 1987); every
  // other slot is drawn as published, so gaps of two days or more break it.
  const bridges = () => page.evaluate(async () => {
    const u = window.__stocktake.charts.spaghetti;
    const src = window.__stocktake.fetched.filter((x) => x.startsWith('/api/daily/seaice.south')).pop();
    const d = await (await fetch(src)).json();
    const byYear = new Map(d.years.map((y) => [y.year, y.values]));
    let leapBridged = 0; let earlyBridged = 0; let gapsKept = 0; const wrong = [];
    u.series.forEach((s, i) => {
      const m = /^(\d{4})/.exec(s.label || '');
      if (!m || !byYear.has(+m[1])) return;
      const api = byYear.get(+m[1]);
      const drawn = u.data[i];
      api.forEach((v, k) => {
        const single = v === null && k > 0 && k + 1 < api.length && api[k - 1] !== null && api[k + 1] !== null;
        if (single) {
          if (Math.abs(drawn[k] - (api[k - 1] + api[k + 1]) / 2) > 1e-12) wrong.push(`${m[1]}:${k} not bridged`);
          else if (k === 59) leapBridged++;
          else if (+m[1] < 1987) earlyBridged++;
        } else if (v !== drawn[k]) wrong.push(`${m[1]}:${k} changed`);
        else if (v === null && k > 0 && api[k - 1] !== null) gapsKept++;
      });
    });
    const y2023 = u.series.findIndex((s) => (s.label || '').startsWith('2023'));
    return {src, leapBridged, earlyBridged, gapsKept, wrong, y2023: u.data[y2023].slice(58, 61)};
  });
  const leap = await bridges();
  assert.deepEqual(leap.wrong, [], 'only single empty slots are bridged, with the mean of their neighbours');
  assert.ok(leap.leapBridged >= 30, `common years bridged at 29 February: ${leap.leapBridged}`);
  // With the 5-day mean the single days are interpolated before smoothing,
  // so the every-other-day years only need bridging on daily values.
  assert.match(leap.src, /smooth=5d/);
  // Mark the 5-day chart, switch to daily values and wait for a new chart.
  await page.evaluate(() => { window.__stocktake.charts.spaghetti.__smoothed = true; });
  await page.selectOption('select[name=smooth]', 'none');
  await page.waitForFunction(() => window.__stocktake.fetched.some((u) => u.startsWith('/api/daily/seaice.south') && !u.includes('smooth=5d')));
  await page.waitForFunction(() => window.__stocktake.charts.spaghetti && !window.__stocktake.charts.spaghetti.__smoothed);
  const daily = await bridges();
  assert.deepEqual(daily.wrong, [], 'daily values: only single empty slots are bridged');
  assert.ok(daily.earlyBridged >= 1000, `every-other-day years bridged: ${daily.earlyBridged}`);
  assert.ok(leap.gapsKept >= 1, 'real gaps still break the lines');
  assert.ok(leap.y2023.every((v) => v !== null), `2023 around 29 February: ${leap.y2023}`);
  await shot(page, 'daily-seaice-south-dark');
  assert.deepEqual(errors, []);
  await page.close();
});

test('monthly page: anomaly bars, ranks, re-basing', async () => {
  const {page, errors} = await open('#/indicator/gmst.noaa');
  await page.waitForFunction(() => window.__stocktake.charts.periodic);
  assert.equal(await seriesCount(page, 'periodic'), 3);
  assert.match(await hover(page, 'periodic', 0.9), /[+−-]?\d+\.\d+ °C · (joint )?(\d+(st|nd|rd|th) )?highest of \d+ \w+s/);
  assert.match(await page.locator('.latest').innerText(), /Latest: \d+\.\d+ °C in [A-Z][a-z]+ \d{4}: /);
  assert.doesNotMatch(await page.locator('main').innerText(), /\bnull\b/);
  // Anomaly bars grow from zero: zero is inside the y range.
  const y = await page.evaluate(() => window.__stocktake.charts.periodic.scales.y);
  assert.ok(y.min <= 0 && y.max > 0, `y range ${y.min}..${y.max} must hold 0`);
  const firstRank = await page.locator('table tbody tr').first().innerText();
  assert.match(firstRank, /of \d+/);
  await page.selectOption('select[name=basis]', '1991-2020');
  await page.waitForFunction(() => window.__stocktake.fetched.some((u) => u.startsWith('/api/anomalies/gmst.noaa') && u.includes('baseline=1991-2020')));
  await page.waitForFunction(() => document.querySelector('figure.chart figcaption')?.textContent.includes('re-based from 1901-2000'));
  // The page shows the server's numbers: the latest re-based anomaly in the
  // table is /api/anomalies' value, and its rank is /api/ranks'.
  const api = await page.evaluate(async () => Promise.all([
    fetch('/api/anomalies/gmst.noaa?baseline=1991-2020').then((r) => r.json()),
    fetch('/api/ranks/gmst.noaa?kind=max').then((r) => r.json())]));
  const [an, rk] = api;
  const lastAn = an.points[an.points.length - 1];
  const lastRk = rk.ranks[rk.ranks.length - 1];
  const cells = await page.locator('table tbody tr').first().locator('td, th').allInnerTexts();
  assert.equal(parseFloat(cells[2].replace('−', '-')), Number(lastAn.value.toFixed(2)), `table ${cells} vs API ${JSON.stringify(lastAn)}`);
  assert.match(cells[3], new RegExp(`^${lastRk.rank}(st|nd|rd|th) of ${lastRk.of}\\b`), `table ${cells} vs API ${JSON.stringify(lastRk)}`);
  await page.locator('.records-summary').waitFor();
  await shot(page, 'monthly-gmst-noaa');
  assert.deepEqual(errors, []);
  await page.close();
});

test('monthly page: the warmest years table is /api/annual (GISTEMP J-D: 2024, 1.29 °C)', async () => {
  const {page, errors} = await open('#/indicator/gmst.gistemp');
  const rows = page.locator('table.annual-ranking tbody tr');
  await rows.first().waitFor();
  assert.match(await page.locator('#annual-h').innerText(), /Warmest years/);
  const api = await page.evaluate(async () => (await fetch('/api/annual/gmst.gistemp?kind=max&top=10')).json());
  assert.equal(await rows.count(), api.years.length);
  for (let i = 0; i < api.years.length; i++) {
    const cells = await rows.nth(i).locator('td, th').allInnerTexts();
    const y = api.years[i];
    assert.equal(cells[0], String(y.rank));
    assert.equal(cells[1], String(y.year));
    assert.equal(cells[2], `${y.text} °C`);
    assert.equal(cells[3], `${y.label} of ${api.of}`);
  }
  const first = await rows.first().locator('td, th').allInnerTexts();
  assert.deepEqual(first.slice(0, 4), ['1', '2024', '1.29 °C', 'highest of 145']);
  assert.match(await page.locator('#annual-h + .table-wrap caption').innerText(), /published annual value/);
  await shot(page, 'monthly-gmst-gistemp-warmest');
  assert.deepEqual(errors, []);
  await page.close();
});

test('annual page: a record inside the published uncertainty says so (JMA ocean heat)', async () => {
  const {page, errors} = await open('#/indicator/ohc.jma');
  await page.locator('.latest .verdict').waitFor();
  const api = await page.evaluate(async () => {
    const s = await (await fetch('/api/series/ohc.jma')).json();
    const last = s.points[s.points.length - 1].date;
    return (await fetch(`/api/records/ohc.jma?on=${last}`)).json();
  });
  assert.equal(api.comparison.verdict, 'record_not_distinguishable');
  const c = api.comparison;
  const want = `not statistically distinguishable from ${api.previous_for_date.date.slice(0, 4)}: ${c.value.toFixed(2)} ± ${c.uncertainty95.toFixed(2)} vs ${c.previous.toFixed(2)} ± ${c.previous_uncertainty95.toFixed(2)}`;
  assert.ok((await page.locator('.latest').innerText()).includes(want), `${await page.locator('.latest').innerText()} lacks ${want}`);
  // The annual table lists the years each cannot be separated from.
  const top = await page.evaluate(async () => (await fetch('/api/annual/ohc.jma?kind=max&top=10')).json());
  const cells = await page.locator('table.annual-ranking tbody tr').first().locator('td, th').allInnerTexts();
  assert.equal(cells[5], top.years[0].indistinguishable.join(', '));
  assert.deepEqual(errors, []);
  await page.close();
});

test('monthly page: ONI values are named by their season', async () => {
  const {page, errors} = await open('#/indicator/oni');
  await page.locator('.latest').waitFor();
  const s = await page.evaluate(async () => (await fetch('/api/series/oni')).json());
  const last = s.points[s.points.length - 1].date;
  const rec = await page.evaluate(async (d) => (await fetch(`/api/records/oni?on=${d}`)).json(), last);
  assert.match(rec.season, /^[A-Z]{3} \d{4}$/);
  await page.waitForFunction(() => document.querySelector('.latest')?.textContent.includes('seasons'));
  assert.ok((await page.locator('.latest').innerText()).includes(`in ${rec.season}:`), await page.locator('.latest').innerText());
  const head = await page.locator('#chart-h ~ h3 + .table-wrap th[scope=col]').first().innerText();
  assert.equal(head, 'Season');
  const firstCell = await page.locator('#chart-h ~ h3 + .table-wrap tbody tr').first().locator('th').innerText();
  assert.equal(firstCell, rec.season);
  assert.equal(await page.locator('table.annual-ranking').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('daily page: Antarctic annual extremes are /api/extremes annual_ranking (2023 maximum: lowest of 46)', async () => {
  const {page, errors} = await open('#/indicator/seaice.south');
  const rows = page.locator('table.annual-max tbody tr');
  await rows.first().waitFor({timeout: 30000});
  const api = await page.evaluate(async () => (await fetch('/api/extremes/seaice.south?annual_ranking=true&kind=max&smooth=5d')).json());
  assert.equal(await rows.count(), api.years.length);
  const last = await rows.last().locator('td, th').allInnerTexts();
  const y = api.years[api.years.length - 1];
  assert.deepEqual(last, [String(y.year), new Date(y.date + 'T00:00:00Z').getUTCDate() + ' September 2023', y.value.toFixed(4), `${y.label} of ${api.of}`]);
  assert.deepEqual([y.year, y.label, api.of], [2023, 'lowest', 46]);
  const mins = page.locator('table.annual-min tbody tr');
  const apiMin = await page.evaluate(async () => (await fetch('/api/extremes/seaice.south?annual_ranking=true&kind=min&smooth=5d')).json());
  const firstMin = await mins.first().locator('td, th').allInnerTexts();
  assert.equal(firstMin[0], String(apiMin.years[0].year));
  assert.equal(firstMin[3], `${apiMin.years[0].label} of ${apiMin.of}`);
  await shot(page, 'daily-seaice-south-annual-extremes');
  assert.deepEqual(errors, []);
  await page.close();
});

test('monthly page: CO2 values as a line', async () => {
  const {page, errors} = await open('#/indicator/co2.mlo');
  await page.waitForFunction(() => window.__stocktake.charts.periodic);
  assert.equal(await seriesCount(page, 'periodic'), 2);
  assert.match(await hover(page, 'periodic', 0.5), /\d+\.\d+ ppm/);
  await shot(page, 'monthly-co2-mlo');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a stored non-default version: seaice.north@4.0', async () => {
  const {page, errors} = await open('#/indicator/seaice.north@4.0');
  await page.waitForFunction(() => window.__stocktake.charts.spaghetti);
  assert.match(await page.locator('h1').innerText(), /version 4\.0/);
  assert.ok((await page.evaluate(() => window.__stocktake.fetched)).some((u) => u.startsWith('/api/daily/seaice.north@4.0')));
  // Version 4.0 runs beyond 2025-05-02, where version 3.0 stops.
  assert.match(await page.locator('.legend').first().innerText(), /20(2[6-9]|[3-9]\d) \(latest: [\d.]+ million km² on \d+ \w+ 20\d\d\)/);
  assert.match(await page.locator('.downloads a').first().getAttribute('href'), /^\/api\/chart\/seaice\.north(@|%40)4\.0\.csv/);
  await page.locator('.records-summary').waitFor();
  // A selector keeps the version in the route.
  await page.selectOption('select[name=smooth]', '5d');
  await page.waitForFunction(() => location.hash.includes('smooth=5d'));
  assert.match(page.url(), /#\/indicator\/seaice\.north@4\.0\?/);
  await shot(page, 'daily-seaice-north-v4');
  assert.deepEqual(errors, []);
  await page.close();
});

test('weekly page: no rank for the date, "on" a day', async () => {
  const {page, errors} = await open('#/indicator/co2.mlo.weekly');
  await page.waitForFunction(() => window.__stocktake.charts.periodic);
  const latest = await page.locator('.latest').innerText();
  assert.match(latest, /^Latest: \d+\.\d+ ppm on \d+ [A-Z][a-z]+ \d{4}/);
  assert.doesNotMatch(latest, /for the date/);
  assert.match(latest, /of all \d+ weekly values/);
  assert.ok(!(await page.evaluate(() => window.__stocktake.fetched)).some((u) => u.includes('/api/records/co2.mlo.weekly')),
    'weekly series are not ranked for the date');
  assert.deepEqual(errors, []);
  await page.close();
});

test('countries: China and the United States side by side', async () => {
  const {page, errors} = await open('#/countries');
  await page.locator('table.compare').waitFor();
  const chn = page.locator('table.compare .cmp-cell[data-entity="CHN"]');
  const usa = page.locator('table.compare .cmp-cell[data-entity="USA"]');
  assert.ok(await chn.count() >= 5, `CHN cells: ${await chn.count()}`);
  assert.ok(await usa.count() >= 5, `USA cells: ${await usa.count()}`);
  assert.match(await chn.first().innerText(), /\d/);
  assert.match(await usa.first().innerText(), /\d/);
  await page.waitForFunction(() => window.__stocktake.charts.countries);
  assert.equal(await seriesCount(page, 'countries'), 3);
  assert.match(await hover(page, 'countries', 0.8), /China \d+\.\d+ Gt/);
  await page.locator('.pledge').first().waitFor();
  assert.match(await page.locator('#pledge-h + p + .pledges').innerText(), /CO2 emissions to peak before 2030/);
  assert.match(await page.locator('#cum-h ~ .table-wrap').first().innerText(), /China/);
  // Every indicator of the "Over time" selector has its own name.
  const labels = await page.locator('select[name=chart] option').allInnerTexts();
  assert.equal(new Set(labels).size, labels.length, `duplicate labels: ${labels.filter((l, i) => labels.indexOf(l) !== i)}`);
  // The change of a share is in percentage points.
  const coalShare = await page.locator('table.compare tr', {has: page.locator('code', {hasText: /^electricity\.coal\.share$/})}).innerText();
  assert.match(coalShare, /[+−]\d+\.\d pp on the year before/, coalShare);
  assert.doesNotMatch(coalShare, /%\s*on the year before/);
  await shot(page, 'countries-chn-usa');
  // Any two countries: India instead of the United States.
  await page.selectOption('select[name=b]', 'IND');
  await page.locator('table.compare .cmp-cell[data-entity="IND"]').first().waitFor();
  assert.match(page.url(), /b=IND/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('rankings: top 20 and cumulative emissions', async () => {
  const {page, errors} = await open('#/rankings?id=co2.emissions');
  await page.locator('table.ranking').waitFor();
  assert.equal(await page.locator('table.ranking tbody tr').count(), 20);
  assert.match(await page.locator('table.ranking tbody tr').first().innerText(), /China/);
  await page.check('input[name=cumulative]');
  await page.waitForFunction(() => document.querySelector('main h2')?.textContent.includes('cumulative'));
  assert.match(await page.locator('table.ranking tbody tr').first().innerText(), /United States/);
  await shot(page, 'rankings-cumulative');
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard: skip link, focusable chart read with the arrow keys', async () => {
  const {page, errors} = await open('#/indicator/seaice.north');
  await page.waitForFunction(() => window.__stocktake.charts.spaghetti);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'skip-link');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.focus('.chart-box[data-chart="spaghetti"]');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  const text = await page.locator('.readout[data-chart="spaghetti"]').innerText();
  assert.match(text, /^2 January: /);
  assert.match(text, /million km²/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('sources, indicators and a missing uPlot', async () => {
  let {page, errors} = await open('#/sources');
  await page.locator('table.sources').first().waitFor();
  assert.ok(await page.locator('table.sources tbody tr').count() > 10);
  assert.deepEqual(errors, []);
  await page.close();
  ({page, errors} = await open('#/indicators'));
  assert.ok(await page.locator('a[href="#/indicator/sst.world"]').count() >= 1);
  assert.deepEqual(errors, []);
  await page.close();
  // Without uPlot the page says how to get it and still shows the tables.
  const p = await context.newPage();
  await p.route('**/assets/vendor/uPlot.iife.min.js*', (r) => r.fulfill({status: 404, body: 'missing'}));
  await p.goto(`${server.base}/#/indicator/gmst.noaa`);
  await p.locator('#notice').waitFor();
  assert.match(await p.locator('#notice').innerText(), /scripts\/setup\.sh/);
  await p.locator('table').first().waitFor();
  await p.close();
});

// recentFigures reads, from the API the pages use, the 2026 run of global
// SST records for the date and the run of monthly records ending July 2026,
// so the browser tests below check the page against the data rather than
// against numbers copied into the test.
async function recentFigures(page) {
  return page.evaluate(async () => {
    const res = await (await fetch('/api/events/recent?recent=12m&indicator=sst.world')).json();
    return {
      streak: res.runs.find((r) => r.kind === 'record-day' && r.count > 30),
      july: res.runs.find((r) => r.kind === 'record-month' && r.last === '2026-07'),
    };
  });
}

test('overview: "What is new" lists this year\'s SST streak and the July 2026 monthly record with sources', async () => {
  const {page, errors} = await open('');
  const {streak, july} = await recentFigures(page);
  // The figures of the mirror: every day from 2 June to 6 August 2026 set
  // a record high for the date (66 in a row), all found by the first scan.
  assert.equal(streak.first, '2026-06-02');
  assert.equal(streak.last, '2026-08-06');
  assert.equal(streak.count, 66);
  assert.equal(streak.first_load, true);
  assert.ok(july && july.first_load, 'July 2026 monthly record of global SST');
  const panel = page.locator('section.whats-new');
  await panel.waitFor();
  // It is the first thing on the page after the heading.
  const first = await page.evaluate(() => document.querySelector('main section')?.className);
  assert.match(first, /whats-new/);
  const sst = panel.locator('article.new-card[data-recent="sst.world"]');
  const text = await sst.innerText();
  assert.match(text, /Record for the date, 66 in a row: 2 June 2026 – 6 August 2026 \(66 days\)/, text);
  assert.match(text, new RegExp(`by up to ${streak.best_margin.toFixed(3).replace(/0+$/, '').replace(/\.$/, '')}\\d* °C`), text);
  assert.match(text, /Record for the month: .*July 2026/, text);
  assert.match(text, /found at first load/);
  assert.match(text, /Source: [^\n]*Climate Reanalyzer/, text);
  assert.equal(await sst.locator('h3 a').getAttribute('href'), '#/indicator/sst.world');
  await shot(page, 'overview-whats-new');
  assert.deepEqual(errors, []);
});

test('events: the recent records list the SST streak as one line and July 2026\'s record, marked as first-load', async () => {
  const {page, errors} = await open('#/events');
  const {streak} = await recentFigures(page);
  const runs = page.locator('section.recent-records li.run[data-indicator="sst.world"]');
  await runs.first().waitFor();
  const line = page.locator(`section.recent-records li.run[data-indicator="sst.world"][data-kind="record-day"][data-last="2026-08-06"]`);
  assert.equal(await line.count(), 1, 'the 66 days are one line');
  const text = await line.innerText();
  assert.match(text, /Global SST set a record high for the date on 66 consecutive days, 2 June to 6 August 2026/, text);
  assert.match(text, new RegExp(`by up to ${streak.best_margin.toFixed(3)} °C`), text);
  assert.match(text, /found at first load/);
  assert.match(text, /Source: [^\n]*Climate Reanalyzer/);
  // No single day of the streak has a line of its own.
  assert.equal(await page.locator('section.recent-records li.run[data-indicator="sst.world"][data-last="2026-07-31"]').count(), 0);
  const july = await page.locator('section.recent-records li.run[data-indicator="sst.world"][data-kind="record-month"][data-last="2026-07"]').innerText();
  assert.match(july, /highest|record high for the month/);
  assert.match(july, /July 2026/);
  assert.match(july, /Source: [^\n]*Climate Reanalyzer/);
  // Newest first.
  const lasts = await page.locator('section.recent-records li.run').evaluateAll((els) => els.map((e) => e.dataset.last));
  assert.deepEqual(lasts, [...lasts].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  await shot(page, 'events-recent');
  assert.deepEqual(errors, []);
});
