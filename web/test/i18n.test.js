// The dashboard in its three languages (English, zh-Hant, zh-Hans):
//   - the message catalogs (internal/web/assets/js/messages) have the same
//     keys in every language and no empty message (plain node, no browser);
//   - every page in every language asks for no key its catalog lacks
//     (window.__i18nMissing), shows no English frame text in Chinese,
//     formats dates and numbers for the locale, passes axe-core with no
//     serious or critical violation, and is screenshotted as
//     test-output/<page>-<lang>.png;
//   - the language switch is remembered and written into the route, and a
//     link with lang= opens in that language.
// One browser serves every test (the suite runs on two cores in CI).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {chromium} from 'playwright-core';
import {start, outputDir, repoRoot} from './server.js';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const messagesDir = path.join(repoRoot, 'internal/web/assets/js/messages');

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];

const LANGS = ['en', 'zh-Hant', 'zh-Hans'];
const LOCALES = {en: 'en-GB', 'zh-Hant': 'zh-Hant-TW', 'zh-Hans': 'zh-Hans-CN'};

// loadCatalog imports a messages module. The modules are plain ES modules
// without imports, loaded from their text so that node need not treat the
// assets directory as a package.
async function loadCatalog(file) {
  const src = fs.readFileSync(path.join(messagesDir, file), 'utf8');
  return (await import('data:text/javascript;base64,' + Buffer.from(src).toString('base64'))).default;
}

// flatten lists a catalog's messages as [key, value] with dotted keys.
function flatten(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? flatten(v, `${prefix}${k}.`) : [[prefix + k, v]]));
}

// baseKey strips the plural suffix of a key (i18next's _one, _other,
// _ordinal_few...): plural categories differ by language (English has one
// and other, Chinese only other), so key sets are compared without them.
function baseKey(k) {
  return k.replace(/_(ordinal_)?(zero|one|two|few|many|other)$/, '');
}

test('catalogs: every messages module has the same keys in all three languages and no empty message', async () => {
  const files = fs.readdirSync(messagesDir).filter((f) => f.endsWith('.js'));
  assert.ok(files.length >= 10, `messages modules: ${files}`);
  for (const file of files) {
    const cat = await loadCatalog(file);
    assert.deepEqual(Object.keys(cat).sort(), [...LANGS].sort(), `${file}: languages`);
    const sets = {};
    for (const l of LANGS) {
      const flat = flatten(cat[l]);
      for (const [k, v] of flat) {
        assert.equal(typeof v, 'string', `${file} ${l} ${k} is not a string`);
        assert.ok(v.trim() !== '', `${file} ${l} ${k} is empty`);
      }
      sets[l] = [...new Set(flat.map(([k]) => baseKey(k)))].sort();
      // Every plural key has its "other" form, the one every language has.
      for (const [k] of flat) {
        const m = /^(.*)_(ordinal_)?(zero|one|two|few|many|other)$/.exec(k);
        if (m) assert.ok(flat.some(([k2]) => k2 === `${m[1]}_${m[2] || ''}other`), `${file} ${l}: ${k} without ${m[1]}_${m[2] || ''}other`);
      }
    }
    assert.deepEqual(sets['zh-Hant'], sets.en, `${file}: zh-Hant keys differ from en`);
    assert.deepEqual(sets['zh-Hans'], sets.en, `${file}: zh-Hans keys differ from en`);
    // The two Chinese scripts are different texts, not a copy.
    const hant = flatten(cat['zh-Hant']).map(([, v]) => v).join('\n');
    const hans = flatten(cat['zh-Hans']).map(([, v]) => v).join('\n');
    if (/[\u4e00-\u9fff]/.test(hant)) assert.notEqual(hant, hans, `${file}: zh-Hans is a copy of zh-Hant`);
  }
});

test('catalogs: the Chinese scripts use their own characters for the same terms', async () => {
  const common = await loadCatalog('common.js');
  const paris = await loadCatalog('paris.js');
  assert.equal(common['zh-Hant'].frame.events, '紀錄事件');
  assert.equal(common['zh-Hans'].frame.events, '纪录事件');
  assert.match(paris['zh-Hant'].levels, /工業化前/);
  assert.match(paris['zh-Hans'].levels, /工业化前/);
});

let server;
let browser;
let glossaryMock = null;

before(async () => {
  fs.mkdirSync(outputDir, {recursive: true});
  server = await start();
  browser = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs, timeout: 60000});
  // The glossary endpoint comes with the server's languages; when this
  // server lacks it, the page is tested against a mock of the documented
  // shape ({terms: [{id, en, zh-Hant, zh-Hans, note}], source}).
  const g = await fetch(`${server.base}/api/glossary`);
  if (g.status === 404) {
    glossaryMock = {
      source: 'Test fixture of the documented shape.',
      terms: [
        {id: 'term:pre-industrial', en: 'pre-industrial', 'zh-Hant': '工業化前', 'zh-Hans': '工业化前', note: 'Mean of 1850–1900.'},
        {id: 'term:sea-ice-extent', en: 'sea ice extent', 'zh-Hant': '海冰範圍', 'zh-Hans': '海冰范围', note: 'Area of cells with at least 15% ice.'},
        {id: 'term:ghg', en: 'greenhouse gases', 'zh-Hant': '溫室氣體', 'zh-Hans': '温室气体', note: 'CO2, CH4, N2O.'},
        {id: 'unit:degC', en: '°C', 'zh-Hant': '°C', 'zh-Hans': '°C', note: 'Degrees Celsius.'},
      ],
    };
  }
}, {timeout: 300000});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// newContext opens a browser context whose navigator.languages is locale
// (a fresh profile: no remembered language).
async function newContext(locale = 'en-GB') {
  // bypassCSP lets page.addScriptTag inject axe-core under the server's
  // Content-Security-Policy (script-src 'self').
  const ctx = await browser.newContext({locale, viewport: {width: 1280, height: 900}, bypassCSP: true});
  if (glossaryMock) {
    await ctx.route('**/api/glossary*', (r) => r.fulfill({status: 200, contentType: 'application/json', body: JSON.stringify(glossaryMock)}));
  }
  return ctx;
}

// open loads a route and waits for the page to finish, collecting errors.
async function open(ctx, route) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !(m.location().url || '').includes('/api/events')) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.base}/${route}`);
  await page.waitForFunction(() => !document.querySelector('main').hasAttribute('aria-busy'), null, {timeout: 60000});
  return {page, errors};
}

// withLang adds lang= to a hash route's query.
function withLang(route, l) {
  return route + (route.includes('?') ? '&' : '?') + `lang=${l}`;
}

// The pages, each with a route and an element that says it has finished
// drawing (besides aria-busy: some parts load after the heading).
const pages = [
  {name: 'overview', route: '#/', ready: 'article.card'},
  {name: 'indicators', route: '#/indicators', ready: 'table.indicators'},
  // An indicator's title (its h1) is the server's words: the page's own
  // first heading is checked instead.
  {name: 'indicator', route: '#/indicator/sst.world', ready: '.records-summary', heading: '#chart-h'},
  {name: 'indicator-monthly', route: '#/indicator/gmst.noaa', ready: 'table.annual-ranking', heading: '#chart-h'},
  {name: 'countries', route: '#/countries', ready: '.pledge'},
  {name: 'rankings', route: '#/rankings', ready: 'table.ranking'},
  {name: 'events', route: '#/events', ready: 'main h1'},
  {name: 'sources', route: '#/sources', ready: 'table.sources'},
  {name: 'paris', route: '#/paris', ready: 'article.goal'},
  {name: 'glossary', route: '#/glossary', ready: 'table.glossary'},
];

// English frame texts that must not be left in a Chinese page.
const englishFrame = ['Skip to content', 'Overview', 'Indicators', 'Countries', 'Rankings', 'Paris and COP28', 'Sources', 'Glossary',
  'Every number links to its source', 'Data API:', 'OpenAPI document'];

for (const l of LANGS) {
  test(`every page in ${l}: no missing key, no English frame, axe-core clean, screenshot`, async () => {
    const ctx = await newContext();
    const axe = fs.readFileSync(axePath, 'utf8');
    try {
      for (const p of pages) {
        const {page, errors} = await open(ctx, withLang(p.route, l));
        await page.locator(p.ready).first().waitFor({timeout: 60000});
        const state = await page.evaluate(() => ({
          missing: [...globalThis.__i18nMissing],
          lang: document.documentElement.lang,
          frame: [...document.querySelectorAll('header, footer, #skip-link')].map((e) => e.innerText).join('\n'),
          select: document.getElementById('lang-select')?.value,
        }));
        assert.deepEqual(state.missing, [], `${p.name} ${l}: keys missing from the catalog`);
        assert.equal(state.lang, l, `${p.name}: <html lang>`);
        assert.equal(state.select, l, `${p.name}: the switch shows the language`);
        if (l !== 'en') {
          for (const s of englishFrame) assert.ok(!state.frame.includes(s), `${p.name} ${l}: English frame text "${s}" in ${state.frame}`);
          assert.match(await page.locator(p.heading || 'h1').innerText(), /[\u4e00-\u9fff]/, `${p.name} ${l}: the heading is Chinese`);
        }
        // Skip link focus target and the like must not be hidden from axe:
        // run it on the whole document.
        await page.addScriptTag({content: axe});
        const violations = await page.evaluate(async () => {
          const r = await window.axe.run(document, {resultTypes: ['violations']});
          return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
        });
        assert.deepEqual(violations, [], `${p.name} ${l}: axe-core`);
        await page.screenshot({path: path.join(outputDir, `${p.name}-${l}.png`), fullPage: true});
        assert.deepEqual(errors, [], `${p.name} ${l}: console errors`);
        await page.close();
      }
    } finally {
      await ctx.close();
    }
  });
}

test('dates and numbers follow the locale: 2024年7月22日 in Chinese, 22 July 2024 in English', async () => {
  const ctx = await newContext();
  try {
    for (const l of LANGS) {
      const {page, errors} = await open(ctx, withLang('#/indicator/sst.world', l));
      await page.locator('.legend').first().waitFor();
      // The latest value of the legend, against the API's date and value.
      const d = await page.evaluate(async () => (await (await fetch('/api/daily/sst.world')).json()).latest);
      const legend = await page.locator('.legend li').first().innerText();
      const [y, m, dd] = d.date.split('-').map(Number);
      const want = l === 'en' ? `${dd} ${new Intl.DateTimeFormat('en-GB', {month: 'long', timeZone: 'UTC'}).format(Date.UTC(y, m - 1, dd))} ${y}`
        : `${y}年${m}月${dd}日`;
      assert.ok(legend.includes(want), `${l}: ${legend} lacks ${want}`);
      const num = new Intl.NumberFormat(LOCALES[l], {maximumFractionDigits: 3}).format(d.value);
      assert.ok(legend.includes(num), `${l}: ${legend} lacks ${num}`);
      // The x axis of the spaghetti chart names months in the language:
      // the table of the chart starts with 1 January (1月1日).
      const firstRow = await page.locator('details.data-table tbody th').first().textContent();
      assert.equal(firstRow, l === 'en' ? '1 January' : '1月1日');
      assert.deepEqual(errors, []);
      await page.close();
    }
    // Thousands separators and ordinals on the rankings page, against the API.
    for (const l of LANGS) {
      const {page} = await open(ctx, withLang('#/rankings?id=co2.emissions', l));
      await page.locator('table.ranking').waitFor();
      const world = await page.evaluate(async () => (await (await fetch('/api/rank/co2.emissions?top=20')).json()).countries);
      const text = await page.locator('main h2 + p').innerText();
      assert.ok(text.includes(String(world)), `${l}: ${text}`);
      const first = await page.locator('table.ranking tbody tr').first().innerText();
      assert.match(first, l === 'en' ? /China/ : l === 'zh-Hant' ? /中國/ : /中国/, `${l}: country names from CLDR: ${first}`);
      await page.close();
    }
    // Ordinals: the monthly table's rank cell ("3rd of 147", "147 個中第3").
    const {page} = await open(ctx, withLang('#/indicator/gmst.noaa', 'zh-Hant'));
    await page.locator('table.annual-ranking').waitFor();
    const cells = await page.locator('#chart-h ~ .table-wrap tbody tr').first().locator('td').allInnerTexts();
    assert.match(cells[cells.length - 1], /^\d+ 個中第\d+/, cells.join(' | '));
    await page.close();
  } finally {
    await ctx.close();
  }
});

test('the language switch is remembered, written into the route and restored from a link', async () => {
  const ctx = await newContext('en-GB');
  try {
    const {page, errors} = await open(ctx, '#/indicators');
    assert.equal(await page.locator('h1').innerText(), 'Indicators');
    assert.doesNotMatch(page.url(), /lang=/, 'a browser-chosen language is not written into the route');
    await page.selectOption('#lang-select', 'zh-Hant');
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === '指標');
    assert.match(page.url(), /#\/indicators\?lang=zh-Hant$/);
    assert.equal(await page.evaluate(() => localStorage.getItem('stocktake.lang')), 'zh-Hant');
    assert.equal(await page.locator('nav a[data-nav="countries"]').innerText(), '國家');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hant');
    // Navigating keeps the language and names it in the route.
    await page.click('nav a[data-nav="sources"]');
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === '資料來源與版本');
    assert.match(page.url(), /#\/sources\?lang=zh-Hant/);
    assert.deepEqual(errors, []);
    await page.close();
    // A new page of the same browser remembers the choice.
    const again = await open(ctx, '#/rankings');
    assert.equal(await again.page.locator('h1').innerText(), '排名');
    assert.match(again.page.url(), /lang=zh-Hant/);
    await again.page.close();
    // A shared link names its language, whatever was remembered.
    const shared = await open(ctx, '#/sources?lang=zh-Hans');
    assert.equal(await shared.page.locator('h1').innerText(), '数据来源与版本');
    await shared.page.close();
  } finally {
    await ctx.close();
  }
  // A browser in Taiwanese Chinese opens in zh-Hant; one in mainland
  // Chinese in zh-Hans, without a remembered choice or lang=.
  for (const [locale, want] of [['zh-TW', '指標'], ['zh-CN', '指标']]) {
    const c = await newContext(locale);
    const {page} = await open(c, '#/indicators');
    assert.equal(await page.locator('h1').innerText(), want, locale);
    await c.close();
  }
});

test('glossary: every term in the three languages, each cell marked with its language, filtered', async () => {
  const ctx = await newContext();
  try {
    const {page, errors} = await open(ctx, '#/glossary?lang=zh-Hant');
    await page.locator('table.glossary').first().waitFor();
    const terms = glossaryMock ? glossaryMock.terms
      : (await page.evaluate(async () => (await (await fetch('/api/glossary')).json()).terms));
    assert.equal(await page.locator('table.glossary tbody tr').count(), terms.length);
    for (const l of LANGS) assert.equal(await page.locator(`table.glossary tbody [data-lang="${l}"]`).count(), terms.length, l);
    const pre = terms.find((x) => x.en === 'pre-industrial') || terms[0];
    const hant = await page.locator(`table.glossary tbody [data-lang="zh-Hant"]`).allInnerTexts();
    assert.ok(hant.includes(pre['zh-Hant']), `${pre['zh-Hant']} in ${hant.slice(0, 5)}`);
    // The filter matches any language and is kept in the route.
    await page.fill('#glossary-q', pre['zh-Hans']);
    await page.waitForFunction((n) => document.querySelectorAll('table.glossary tbody tr').length < n, terms.length);
    const rows = await page.locator('table.glossary tbody tr').allInnerTexts();
    assert.ok(rows.length >= 1 && rows.every((r) => r.includes(pre['zh-Hans']) || r.toLowerCase().includes(pre['zh-Hans'].toLowerCase())), rows.join('\n'));
    await page.waitForFunction(() => location.hash.includes('q='));
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await ctx.close();
  }
});
