// Browser tests of the overview's sparklines and of share links, in
// Debian's headless Chromium driven by playwright-core, against a server
// built and seeded from ../shared/data by server.js. Screenshots go to
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
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: server.base});
}, {timeout: 600000}); // the shared seed may be built beside the Go tests (scripts/test.sh)

after(async () => {
  if (context) await context.close();
  if (profile) fs.rmSync(profile, {recursive: true, force: true});
  if (server) await server.stop();
});

// open loads a dashboard address (relative to the server) in a new page,
// waits for the route to render and collects console errors.
async function open(address) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !(m.location().url || '').includes('/api/events')) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.base}/${address}`);
  await page.waitForFunction(() => document.querySelector('main') && !document.querySelector('main').hasAttribute('aria-busy'), null, {timeout: 60000});
  return {page, errors};
}

async function shot(page, name) {
  await page.screenshot({path: path.join(outputDir, `${name}.png`), fullPage: true});
}

// sparkPoints returns, for a sparkline drawn on the page, the number of
// x values and of non-null values of each data series.
function sparkPoints(page, id) {
  return page.evaluate((i) => {
    const u = window.__stocktake.sparklines[i];
    if (!u) return null;
    return {x: u.data[0].length, series: u.data.slice(1).map((s) => s.filter((v) => v !== null && v !== undefined).length)};
  }, id);
}

test('overview: sparklines drawn from the overview answer, described in text, readable by keyboard', async () => {
  const ov = await (await fetch(`${server.base}/api/overview`)).json();
  const sst = ov.signs.find((s) => s.indicator === 'sst.world');
  const noaa = ov.signs.find((s) => s.indicator === 'gmst.noaa');
  assert.ok(sst && sst.spark && sst.spark.kind === 'days', 'the overview answer has the SST sparkline');
  assert.ok(noaa && noaa.spark && noaa.spark.kind === 'bars' && noaa.spark.values.length === 24, 'and the NOAA one');
  const withSpark = ov.signs.filter((s) => s.spark).length;

  const {page, errors} = await open('');
  await page.waitForFunction((n) => Object.keys(window.__stocktake.sparklines || {}).length >= n, withSpark, {timeout: 20000});
  assert.equal(await page.locator('.spark-box canvas').count() >= withSpark, true);

  // Daily: this year's line has as many values as the answer, and the
  // band, mean and record year are drawn beside it.
  const sstPts = await sparkPoints(page, 'sst.world');
  const thisYear = sst.spark.values.filter((v) => v !== null).length;
  assert.ok(thisYear > 0);
  assert.equal(sstPts.x, sst.spark.dates.length);
  assert.equal(sstPts.series[sstPts.series.length - 1], thisYear, 'the year-so-far line');
  assert.ok(sstPts.series[0] > 0 && sstPts.series[2] > 0, 'band and mean drawn');
  const sstCard = page.locator('article.card[data-indicator="sst.world"]');
  const caption = await sstCard.locator('.spark figcaption').textContent();
  assert.match(caption, new RegExp(`^${sst.spark.dates[0].slice(0, 4)} so far \\(1 January to \\d+ \\w+\\) against the 1991-2020 mean`));
  assert.match(caption, new RegExp(`${sst.spark.above_p90} of ${thisYear} days above the 90th percentile`));
  if (sst.spark.record) assert.match(caption, new RegExp(`The thin line is ${sst.spark.record_year}`));
  const box = sstCard.locator('.spark-box');
  assert.equal(await box.getAttribute('tabindex'), '0');
  assert.equal(await box.getAttribute('role'), 'img');
  assert.ok((await box.getAttribute('aria-label')).startsWith(caption), 'the aria-label holds the description');

  // Keyboard: End reads the latest day, Home the first.
  await box.focus();
  await page.keyboard.press('End');
  const last = sst.spark.values[sst.spark.values.length - 1];
  const readout = sstCard.locator('.spark-readout');
  const lastDay = +sst.spark.dates[sst.spark.dates.length - 1].slice(8);
  await page.waitForFunction((el) => el.textContent.length > 0, await readout.elementHandle());
  const lastText = await readout.textContent();
  assert.match(lastText, new RegExp(`^${lastDay} \\w+: `), lastText);
  if (last !== null) assert.ok(lastText.includes(new Intl.NumberFormat('en', {maximumFractionDigits: 3}).format(last)), lastText);
  await page.keyboard.press('Home');
  assert.match(await readout.textContent(), /^1 January: /);

  // Monthly: 24 bars from zero, above and below split by sign.
  const noaaPts = await sparkPoints(page, 'gmst.noaa');
  assert.equal(noaaPts.x, 24);
  assert.equal(noaaPts.series[0] + noaaPts.series[1], noaa.spark.values.filter((v) => v !== null).length);
  const noaaCaption = await page.locator('article.card[data-indicator="gmst.noaa"] .spark figcaption').textContent();
  assert.match(noaaCaption, /^Last 24 months \(\w+ \d{4} to \w+ \d{4}\) as departures from the 1901-2000 mean \(as published\): highest \+\d/);

  // Annual and irregular signs have none.
  assert.equal(await page.locator('article.card[data-indicator="gmsl"] .spark').count(), 0);
  await page.locator('article.card[data-indicator="sst.world"]').scrollIntoViewIfNeeded();
  await shot(page, 'overview-sparklines');
  await page.locator('section[aria-labelledby="ov-daily"]').screenshot({path: path.join(outputDir, 'overview-sparklines-daily.png')});
  await page.locator('section[aria-labelledby="ov-monthly"]').screenshot({path: path.join(outputDir, 'overview-sparklines-monthly.png')});
  assert.deepEqual(errors, []);
  await page.close();
});

test('overview sparklines in Traditional and Simplified Chinese', async () => {
  for (const [lang, words] of [['zh-Hant', /年至今.*平均值及其第 10 至第 90 百分位區間/], ['zh-Hans', /年至今.*平均值及其第 10 至第 90 百分位区间/]]) {
    const {page, errors} = await open(`#/?lang=${lang}`);
    await page.waitForFunction(() => window.__stocktake.sparklines && window.__stocktake.sparklines['sst.world']);
    const caption = await page.locator('article.card[data-indicator="sst.world"] .spark figcaption').textContent();
    assert.match(caption, words, caption);
    const bars = await page.locator('article.card[data-indicator="gmst.noaa"] .spark figcaption').textContent();
    assert.match(bars, /最近 24 個?个?月/, bars);
    const missing = await page.evaluate(() => [...(window.__i18nMissing || [])].filter((k) => /sparkline:|share:/.test(k)));
    assert.deepEqual(missing, [], 'every sparkline and share message is translated');
    if (lang === 'zh-Hant') await shot(page, 'overview-sparklines-zh-Hant');
    assert.deepEqual(errors, []);
    await page.close();
  }
});

// metaOf reads the Open Graph and other <meta> tags of an HTML page.
function metaOf(html) {
  const out = {};
  for (const m of html.matchAll(/<meta (?:property|name|http-equiv)="([^"]+)" content="([^"]*)">/g)) {
    out[m[1]] = m[2].replaceAll('&amp;', '&').replaceAll('&#43;', '+').replaceAll('&#34;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return out;
}

test('share: the copied link of a view with non-default settings opens the same view, with its picture and number', async () => {
  const route = '#/indicator/sst.world?baseline=1982-2011&smooth=5d&band=2sd&year=2023';
  const {page, errors} = await open(route);
  await page.waitForFunction(() => window.__stocktake.charts && Object.keys(window.__stocktake.charts).length > 0);
  const button = page.locator('.share-button');
  assert.equal(await button.textContent(), 'Share');
  await button.click();
  const field = page.locator('#share-url');
  await field.waitFor({state: 'visible'});
  const link = await field.inputValue();
  const want = new URL(`${server.base}/share/indicator/sst.world`);
  for (const [k, v] of [['baseline', '1982-2011'], ['smooth', '5d'], ['band', '2sd'], ['year', '2023'], ['lang', 'en']]) want.searchParams.set(k, v);
  const got = new URL(link);
  assert.equal(got.origin + got.pathname, want.origin + want.pathname);
  assert.deepEqual(Object.fromEntries([...got.searchParams].sort()), Object.fromEntries([...want.searchParams].sort()));
  if (await page.locator('.share').getAttribute('data-copied') === 'true') {
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the clipboard holds the link');
    assert.match(await page.locator('.share-status').textContent(), /Link copied/);
  } else {
    assert.match(await page.locator('.share-status').textContent(), /Copy this link/);
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'share-url', 'the field is focused for copying');
  await shot(page, 'share-panel');
  assert.deepEqual(errors, []);
  await page.close();

  // What a chat or a social network sees: the tags, the number and the
  // picture.
  const r = await fetch(link);
  assert.equal(r.status, 200);
  const meta = metaOf(await r.text());
  assert.match(meta['og:description'], /Latest: \d+\.\d+ °C on \d{4}-\d\d-\d\d\./);
  assert.match(meta['og:description'], /Source: Climate Reanalyzer/);
  assert.equal(meta['og:locale'], 'en_US');
  assert.equal(meta['og:image'], `${server.base}/api/chart/sst.world.png?baseline=1982-2011&kind=spaghetti&smooth=5d`);
  const img = await fetch(meta['og:image']);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.ok((await img.arrayBuffer()).byteLength > 10000);

  // Opening the link lands on the same view: same indicator, settings
  // and requests.
  const opened = await context.newPage();
  const openErrors = [];
  opened.on('pageerror', (e) => openErrors.push(String(e)));
  await opened.goto(link);
  await opened.waitForURL(/#\/indicator\/sst\.world\?/, {timeout: 15000});
  await opened.waitForFunction(() => document.querySelector('main h1') && !document.querySelector('main').hasAttribute('aria-busy'), null, {timeout: 60000});
  await opened.waitForFunction(() => document.querySelector('select[name=smooth]'));
  assert.equal(await opened.locator('select[name=smooth]').inputValue(), '5d');
  assert.equal(await opened.locator('select[name=baseline]').inputValue(), '1982-2011');
  assert.equal(await opened.locator('select[name=band]').inputValue(), '2sd');
  assert.equal(await opened.locator('select[name=year]').inputValue(), '2023');
  assert.match(await opened.locator('main h1').textContent(), /sea-surface temperature/i);
  const fetched = await opened.evaluate(() => window.__stocktake.fetched);
  assert.ok(fetched.some((u) => u.startsWith('/api/daily/sst.world?') && u.includes('baseline=1982-2011') && u.includes('smooth=5d')), fetched.join('\n'));
  await shot(opened, 'share-opened');
  assert.deepEqual(openErrors, []);
  await opened.close();
});

test('share: a Chinese view of the countries page keeps its countries, chart and language', async () => {
  const {page, errors} = await open('#/countries?a=IND&b=CHN&chart=solar.capacity&lang=zh-Hant');
  await page.locator('select[name=a]').waitFor();
  assert.equal(await page.locator('.share-button').textContent(), '分享');
  await page.locator('.share-button').click();
  const link = await page.locator('#share-url').inputValue();
  const u = new URL(link);
  assert.equal(u.pathname, '/share/countries');
  assert.equal(u.searchParams.get('a'), 'IND');
  assert.equal(u.searchParams.get('b'), 'CHN');
  assert.equal(u.searchParams.get('chart'), 'solar.capacity');
  assert.equal(u.searchParams.get('lang'), 'zh-Hant');
  const meta = metaOf(await (await fetch(link)).text());
  assert.equal(meta['og:locale'], 'zh_TW');
  assert.match(meta['og:title'], /國家並列比較：IND與CHN/);
  assert.equal(meta['og:image'], `${server.base}/api/chart/solar.capacity.png?entity=IND&lang=zh-Hant`);
  assert.equal((await fetch(meta['og:image'])).headers.get('content-type'), 'image/png');
  assert.deepEqual(errors, []);
  await page.close();

  const opened = await context.newPage();
  await opened.goto(link);
  await opened.waitForURL(/#\/countries\?/, {timeout: 15000});
  await opened.locator('select[name=a]').waitFor();
  assert.equal(await opened.locator('select[name=a]').inputValue(), 'IND');
  assert.equal(await opened.locator('select[name=b]').inputValue(), 'CHN');
  assert.equal(await opened.evaluate(() => document.documentElement.lang), 'zh-Hant');
  await opened.locator('select[name=chart]').waitFor();
  assert.equal(await opened.locator('select[name=chart]').inputValue(), 'solar.capacity');
  await shot(opened, 'share-opened-countries-zh-Hant');
  await opened.close();
});
