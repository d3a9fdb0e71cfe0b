// Browser tests of the station pages: the map of stations that set records
// (#/stations) and a station's page (#/station/ID), in Debian's headless
// Chromium driven by playwright-core. The server is built here (or the
// binary of the shared seed is used, see server.js's binary), the real
// Central Park file (../shared/data/noaa-ghcn-daily) is ingested with
// `stocktake stations ingest`, and `stocktake serve` answers; every value
// read from the page is compared with the API's answer. Screenshots go to
// test-output/ at the repository root, like the other browser tests.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, execFile} from 'node:child_process';
import {promisify} from 'node:util';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {chromium} from 'playwright-core';
import {repoRoot, outputDir, binary} from './server.js';
import {allowedNames, proseOffences, pageTexts} from './prose.js';
import catalog from '../../internal/web/assets/js/messages/stations.js';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// axeViolations runs axe-core (pinned in web/package.json) on the whole
// document and returns its serious and critical violations, one line each.
async function axeViolations(page) {
  await page.addScriptTag({content: axeSource});
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {resultTypes: ['violations']});
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

const run = promisify(execFile);
const env = {...process.env, PATH: `/usr/local/go/bin:${process.env.PATH}`};
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];
const ID = 'USW00094728';

let base;
let proc;
let tmp;
let context;
let profile;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

before(async () => {
  fs.mkdirSync(outputDir, {recursive: true});
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stocktake-stations-e2e-'));
  const db = path.join(tmp, 'db');
  const bin = await binary(tmp);
  await run(bin, ['stations', 'ingest', '../shared/data/noaa-ghcn-daily', '--db', db], {cwd: repoRoot, env, maxBuffer: 1 << 24});
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(tmp, 'serve.log'), 'w');
  proc = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--db', db], {cwd: repoRoot, env, stdio: ['ignore', log, log]});
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('stocktake serve did not answer /healthz within 30 s: ' + fs.readFileSync(path.join(tmp, 'serve.log'), 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
  }
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'stocktake-chromium-'));
  context = await chromium.launchPersistentContext(profile, {executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs,
    viewport: {width: 1280, height: 900}, timeout: 60000, bypassCSP: true}); // bypassCSP: axe-core is injected as a script
  // Actions (screenshots, clicks) may wait up to 90 s: the suite runs beside
  // the Go tests (scripts/test.sh), and a slow machine is not a failure.
  context.setDefaultTimeout(90000);
}, {timeout: 600000}); // the shared seed may be built beside the Go tests (scripts/test.sh)

after(async () => {
  if (context) await context.close();
  if (profile) fs.rmSync(profile, {recursive: true, force: true});
  if (proc) {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.on('exit', r));
  }
  if (tmp) fs.rmSync(tmp, {recursive: true, force: true});
});

async function api(p) {
  const r = await fetch(base + p);
  assert.ok(r.ok, `${p} answered ${r.status}`);
  return r.json();
}

async function open(route) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !(m.location().url || '').includes('/api/events')) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/${route}`);
  await page.waitForFunction(() => !document.querySelector('main').hasAttribute('aria-busy'), null, {timeout: 60000});
  return {page, errors};
}

const missing = (page) => page.evaluate(() => [...(globalThis.__i18nMissing || [])]);

test('the station catalog has the same keys in every language', () => {
  const keys = (l) => Object.keys(catalog[l]).sort();
  assert.ok(keys('en').length > 30);
  assert.deepEqual(keys('zh-Hant'), keys('en'));
  assert.deepEqual(keys('zh-Hans'), keys('en'));
});

test('the map lists the stations of /api/records-set, on the map and in the table, and a dot opens the station', async () => {
  const q = 'since=2011-07-01&until=2011-07-31&extreme=record-high&scope=day';
  const want = await api(`/api/records-set?${q}&min_years=30`);
  assert.ok(want.records.length >= 1 && want.records.some((r) => r.date === '2011-07-22' && r.value === 40));
  const {page, errors} = await open(`#/stations?${q}&lang=en`);
  await page.waitForSelector('a.map-point');
  const values = await page.$$eval('table.records-set [data-value]', (els) => els.map((e) => Number(e.dataset.value)));
  assert.deepEqual(values, want.records.map((r) => r.value));
  const dates = await page.$$eval('table.records-set time', (els) => els.map((e) => e.getAttribute('datetime')));
  assert.deepEqual(dates, want.records.map((r) => r.date));
  const dots = await page.$$eval('a.map-point', (els) => els.map((e) => e.dataset.station));
  assert.deepEqual(dots, [...new Set(want.records.map((r) => r.station))]);
  assert.equal(await page.$eval('.records-summary', (e) => Number(e.dataset.count)), new Set(want.records.map((r) => r.station)).size);
  assert.ok((await page.$eval('.station-map svg', (e) => e.getAttribute('aria-label'))).includes('2011'));
  // The selectors are in the URL.
  assert.equal(await page.$eval('select[name="scope"]', (e) => e.value), 'day');
  assert.equal(await page.$eval('input[name="since"]', (e) => e.value), '2011-07-01');
  await page.screenshot({path: path.join(outputDir, 'stations-map.png'), fullPage: true});
  // Keyboard: Tab reaches the dot, Enter opens the station page.
  await page.focus('select[name="scope"]');
  let onDot = false;
  for (let i = 0; i < 30 && !onDot; i++) {
    await page.keyboard.press('Tab');
    onDot = await page.evaluate(() => document.activeElement?.classList?.contains('map-point') ?? false);
  }
  assert.ok(onDot, 'Tab never reached a map dot');
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => location.hash.startsWith(`#/station/${id}`) && !document.querySelector('main').hasAttribute('aria-busy'), ID, {timeout: 60000});
  assert.deepEqual(await missing(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the station page draws the API climatology and lists the records with their source', async () => {
  const clim = await api(`/api/stations/${ID}/climatology?element=TMAX`);
  const recs = await api(`/api/stations/${ID}/records`);
  const {page, errors} = await open(`#/station/${ID}?lang=en`);
  await page.waitForFunction(() => window.__stocktake?.charts?.['station-climatology'], null, {timeout: 30000});
  const data = await page.evaluate(() => window.__stocktake.charts['station-climatology'].data);
  assert.deepEqual(data[1], clim.days.map((d) => d.max));
  assert.deepEqual(data[2], clim.days.map((d) => d.min));
  assert.deepEqual(data[3], clim.days.map((d) => d.p90));
  assert.deepEqual(data[4], clim.days.map((d) => d.p10));
  assert.deepEqual(data[5], clim.days.map((d) => d.value));
  assert.equal(clim.year, 2020);
  const meta = await page.$eval('.station-meta', (e) => e.textContent);
  for (const v of [clim.station.latitude, clim.station.longitude, clim.station.elevation_m]) assert.ok(meta.includes(String(v)), `${meta} lacks ${v}`);
  const h2 = await page.$eval('#clim-h', (e) => e.textContent);
  assert.ok(h2.includes(String(clim.first_year)) && h2.includes(String(clim.last_year)) && h2.includes('2020'), h2);
  const shown = await page.$$eval('table.station-records [data-value]', (els) => els.map((e) => [e.dataset.extreme, Number(e.dataset.value)]));
  assert.deepEqual(shown.sort(), recs.records.map((r) => [r.extreme, r.value]).sort());
  assert.ok(shown.some(([e, v]) => e === 'record-high' && v === 41.1), 'the all-time record high of 41.1 °C');
  const src = await page.$$eval('p.source', (els) => els.map((e) => e.textContent));
  assert.ok(src.some((s) => s.includes(recs.source.sha256.slice(0, 12)) && s.includes(recs.source.file)), src.join(' | '));
  // The keyboard moves the chart's readout.
  await page.focus('.chart-box[data-chart="station-climatology"]');
  await page.keyboard.press('End');
  const readout = await page.$eval('.readout[data-chart="station-climatology"]', (e) => e.textContent);
  assert.ok(readout.includes('December 31'), readout);
  await page.screenshot({path: path.join(outputDir, 'station-page.png'), fullPage: true});
  assert.deepEqual(await missing(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

// englishProse lists the English prose left in a Chinese page once the
// catalog's names and codes (prose.js) and the station's own name, as
// GHCN-Daily publishes it, are taken out.
async function englishProse(page, extra) {
  const allowed = [...new Set([...(await allowedNames(base)), ...extra])].sort((a, b) => b.length - a.length);
  return (await page.evaluate(pageTexts)).flatMap((u) => {
    const words = proseOffences(u.text, allowed);
    return words.length ? [`${u.where}: ${words.join(', ')} «${u.text.slice(0, 200)}»`] : [];
  });
}

test('the station pages speak Traditional and Simplified Chinese and pass axe-core', async () => {
  // Station names as GHCN-Daily publishes them (upper-case English) stay
  // as they are in every language: every station of the archive.
  const listed = await api('/api/stations');
  const names = [listed].flat(2).concat(listed?.stations || []).flatMap((st) => [st?.name, st?.state])
    .filter((v) => typeof v === 'string' && v);
  // The station archive's dataset id, as the source lines name it.
  const clim = await api(`/api/stations/${ID}/climatology?element=TMAX`);
  assert.ok(clim.source?.dataset, 'the climatology answer names its dataset');
  names.push(clim.source.dataset);
  for (const [lng, word] of [['zh-Hant', '氣象站'], ['zh-Hans', '气象站']]) {
    const {page, errors} = await open(`#/stations?since=2011-07-01&until=2011-07-31&scope=day&lang=${lng}`);
    await page.waitForSelector('a.map-point');
    assert.equal(await page.$eval('h1', (e) => e.textContent), catalog[lng].mapTitle);
    assert.ok((await page.textContent('main')).includes(word));
    // Dates follow the language through Intl.
    const date = await page.$eval('table.records-set time', (e) => e.textContent);
    assert.ok(date.includes('2011年7月'), date);
    await page.screenshot({path: path.join(outputDir, `stations-map-${lng}.png`), fullPage: true});
    assert.deepEqual(await missing(page), []);
    assert.deepEqual(await englishProse(page, names), [], `map ${lng}: English prose`);
    assert.deepEqual(await axeViolations(page), [], `map ${lng}: axe-core`);
    assert.deepEqual(errors, []);
    await page.close();
    const st = await open(`#/station/${ID}?lang=${lng}`);
    await st.page.waitForSelector('table.station-records');
    assert.ok((await st.page.textContent('#recs-h')) === catalog[lng].recordsTitle);
    await st.page.screenshot({path: path.join(outputDir, `station-page-${lng}.png`), fullPage: true});
    assert.deepEqual(await missing(st.page), []);
    assert.deepEqual(await englishProse(st.page, names), [], `station ${lng}: English prose`);
    assert.deepEqual(await axeViolations(st.page), [], `station ${lng}: axe-core`);
    assert.deepEqual(st.errors, []);
    await st.page.close();
  }
});

// GHCN-Daily files stations under FIPS 10-4 codes (US, CH = China, SZ =
// Switzerland), not ISO 3166 ones, so the pages name a station's country
// from its ISO alpha-2 code through Intl.DisplayNames in the page's
// language, and keep GHCN's code only as labelled small print and in a
// tooltip.
const US_NAMES = {en: 'United States', 'zh-Hant': '美國', 'zh-Hans': '美国'};

// bareCodes returns the country texts of a page that are a bare two-letter
// code: a table cell of the country column, or a country label whose name
// is missing.
function bareCodes() {
  const out = [];
  for (const tr of document.querySelectorAll('table.records-set tbody tr')) {
    const td = tr.children[1]; // the country column
    if (td && /^\s*[A-Z]{2}\s*$/.test(td.textContent)) out.push(td.textContent);
  }
  for (const el of document.querySelectorAll('.country')) {
    const name = el.firstChild?.textContent || '';
    if (/^\s*[A-Z]{2}\s*$/.test(name)) out.push(name);
  }
  return out;
}

test('the station pages name the country in every language from its ISO code, GHCN\'s code only beside it', async () => {
  const st = (await api(`/api/stations?id=${ID}`)).stations[0];
  assert.deepEqual([st.country, st.country_iso2, st.country_iso3], ['US', 'US', 'USA']);
  for (const [lng, name] of Object.entries(US_NAMES)) {
    const station = await api(`/api/stations?id=${ID}&lang=${lng}`);
    assert.equal(station.stations[0].country_name, name, `the API's name in ${lng}`);
    const {page, errors} = await open(`#/station/${ID}?lang=${lng}`);
    await page.waitForSelector('.station-meta');
    const meta = await page.$eval('.station-meta', (e) => ({text: e.textContent, iso2: e.dataset.iso2, ghcn: e.dataset.ghcn, title: e.title}));
    assert.ok(meta.text.includes(name), `${lng}: ${meta.text} lacks ${name}`);
    assert.ok(meta.text.includes(catalog[lng].ghcnCode.replace('{{code}}', 'US')), `${lng}: ${meta.text} lacks GHCN's code in small print`);
    assert.ok(!/[,，]\s*US\s*[;；]/.test(meta.text), `${lng}: ${meta.text} shows the bare GHCN code as the country`);
    assert.deepEqual([meta.iso2, meta.ghcn], ['US', 'US']);
    assert.ok(meta.title.includes('FIPS 10-4'), meta.title);
    assert.deepEqual(await missing(page), []);
    assert.deepEqual(errors, []);
    await page.close();

    const map = await open(`#/stations?since=1936-07-01&until=1936-07-31&lang=${lng}`);
    await map.page.waitForSelector('table.records-set .country');
    const cells = await map.page.$$eval('table.records-set .country', (els) => els.map((e) => ({name: e.firstChild.textContent, small: e.querySelector('small').textContent, iso2: e.dataset.iso2})));
    assert.ok(cells.length >= 1);
    for (const c of cells) {
      assert.equal(c.name, name);
      assert.equal(c.iso2, 'US');
      assert.equal(c.small, catalog[lng].ghcnCode.replace('{{code}}', 'US'));
    }
    const dots = await map.page.$$eval('a.map-point', (els) => els.map((e) => e.getAttribute('aria-label')));
    assert.ok(dots.length >= 1 && dots.every((d) => d.includes(name)), dots.join(' | '));
    assert.deepEqual(await map.page.evaluate(bareCodes), [], `${lng}: a bare code shown as a country`);
    assert.deepEqual(await missing(map.page), []);
    assert.deepEqual(map.errors, []);
    await map.page.close();
  }
});

test('the map\'s country filter takes the API\'s forms and refuses a code that is another country in GHCN', async () => {
  // USA, us and ghcn:US are the United States; CN (ISO China) has no
  // station here; CH is China in GHCN but Switzerland in ISO: the API's 400
  // is shown.
  for (const q of ['USA', 'us', 'ghcn:US']) {
    const {page, errors} = await open(`#/stations?since=1936-07-01&until=1936-07-31&country=${encodeURIComponent(q)}&lang=en`);
    await page.waitForSelector('table.records-set .country');
    assert.equal(await page.$eval('input[name="country"]', (e) => e.value), q);
    const filter = await page.$eval('.country-filter', (e) => e.textContent);
    assert.equal(filter, 'Stations of United States (USA; GHCN code US).');
    assert.equal(await page.$eval('.records-summary', (e) => Number(e.dataset.count)), 1);
    assert.deepEqual(errors, []);
    await page.close();
  }
  const cn = await open('#/stations?since=1936-07-01&until=1936-07-31&country=CN&lang=zh-Hant');
  await cn.page.waitForSelector('.country-filter');
  assert.equal(await cn.page.$eval('.country-filter', (e) => e.textContent), '中國（CHN；GHCN 代碼 CH）的氣象站。');
  assert.equal(await cn.page.$eval('.records-summary', (e) => Number(e.dataset.count)), 0);
  await cn.page.close();
  const ch = await open('#/stations?since=1936-07-01&until=1936-07-31&country=CH&lang=en');
  const text = await ch.page.textContent('main');
  assert.ok(text.includes('CH is ambiguous') && text.includes('Switzerland') && text.includes('China'), text.slice(0, 400));
  assert.equal(await ch.page.$eval('.country-refused', (e) => e.textContent),
    'The country “CH” could not be used: write an ISO alpha-3 code such as CHN or USA, or GHCN\'s own code as ghcn:CH. The server says why:');
  await ch.page.close();
  // The same refusal explained in Chinese.
  for (const [lng, want] of [['zh-Hant', '無法使用國家代碼「CH」'], ['zh-Hans', '无法使用国家代码“CH”']]) {
    const z = await open(`#/stations?since=1936-07-01&until=1936-07-31&country=CH&lang=${lng}`);
    await z.page.waitForSelector('.country-refused');
    const said = await z.page.$eval('.country-refused', (e) => e.textContent);
    assert.ok(said.startsWith(want), `${lng}: ${said}`);
    await z.page.close();
  }
});
