// The dashboard in its three languages (English, zh-Hant, zh-Hans):
//   - the message catalogs (internal/web/assets/js/messages) have the same
//     keys in every language and no empty message (plain node, no browser);
//   - every page in every language asks for no key its catalog lacks
//     (window.__i18nMissing), shows no English frame text and no English
//     prose in Chinese (see proseOffences; the server's words still
//     untranslated are listed in pendingServerTranslation), names its
//     language (lang=) in every request and link to a route whose OpenAPI
//     entry takes lang, passes axe-core with no serious or critical
//     violation, and is screenshotted as test-output/<page>-<lang>.png
//     (its first screen; STOCKTAKE_FULL_SCREENSHOTS=1 for whole pages,
//     STOCKTAKE_I18N_TIMING=1 prints where each page's time goes);
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
import {allowedNames, replacePhrases, proseOffences, pageTexts} from './prose.js';

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

// scriptTables reads the character tables of the script checks
// (internal/i18n/testdata/scripts.json, generated from OpenCC's
// dictionaries): Traditional-only and Simplified-only characters, and
// variants that Taiwan's standard forms replace.
function scriptTables() {
  const st = JSON.parse(fs.readFileSync(path.join(repoRoot, 'internal/i18n/testdata/scripts.json'), 'utf8'));
  assert.ok([...st.hantOnly].length > 2000 && [...st.hansOnly].length > 2000 && st.notTaiwan, 'scripts.json tables');
  return {'zh-Hant': new Set([...st.hansOnly, ...st.notTaiwan]), 'zh-Hans': new Set(st.hantOnly)};
}

// placeholders lists a message's {{placeholders}}, sorted, once each.
function placeholders(msg) {
  return [...new Set((msg.match(/\{\{\s*[^{}]+?\s*\}\}/g) || []).map((p) => p.replace(/\s/g, '')))].sort();
}

test('catalogs: each Chinese message is in its own script and has exactly the English message\'s placeholders', async () => {
  const banned = scriptTables();
  // The tables themselves, on characters whose script is known.
  assert.deepEqual([...'海冰範圍與溫室氣體'].filter((c) => banned['zh-Hant'].has(c)), []);
  assert.deepEqual([...'海冰范围与温室气体'].filter((c) => banned['zh-Hans'].has(c)), []);
  assert.deepEqual([...'海冰范围与溫室气体'].filter((c) => banned['zh-Hant'].has(c)), [...'围与气体']);
  assert.deepEqual([...'爲裏後'].filter((c) => banned['zh-Hant'].has(c)), [...'爲裏']);
  const files = fs.readdirSync(messagesDir).filter((f) => f.endsWith('.js'));
  const problems = [];
  for (const file of files) {
    const cat = await loadCatalog(file);
    const en = new Map(flatten(cat.en));
    for (const l of ['zh-Hant', 'zh-Hans']) {
      for (const [k, v] of flatten(cat[l])) {
        const bad = [...new Set([...v].filter((c) => banned[l].has(c)))];
        if (bad.length) problems.push(`${file} ${l} ${k}: ${bad.join('')} of the other script in “${v}”`);
        // A Chinese plural form answers the English forms of the same key
        // (Chinese has only "other"); each English form must then have the
        // same placeholders as the Chinese one (plural forms may leave out
        // {{count}} when the English does too).
        const base = baseKey(k);
        const suffix = k.slice(base.length);
        const forms = [...en.keys()].filter((ek) => baseKey(ek) === base && (suffix.startsWith('_ordinal') === ek.slice(base.length).startsWith('_ordinal')));
        if (!forms.length) {
          problems.push(`${file} ${l} ${k}: no English message`);
          continue;
        }
        const want = placeholders(en.get(forms.includes(k) ? k : forms[forms.length - 1]));
        if (placeholders(v).join() !== want.join()) problems.push(`${file} ${l} ${k}: placeholders ${placeholders(v).join(' ') || '(none)'}, English ${want.join(' ') || '(none)'}`);
      }
    }
  }
  assert.deepEqual(problems, []);
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

// English prose in a Chinese page.
//
// The page's own words come from the catalogs and must all be translated.
// What may stay in Latin letters are names and codes as they are published:
// producers, dataset titles, dataset and indicator ids, versions and units,
// read from the catalog's answers (allowedNames); acronyms and codes (a
// word with a digit, a dot, an underscore, a slash or only capitals, e.g.
// ERA5, sst.world, NSIDC); file names, checksums and addresses; and text in
// <code> or in an element whose lang is not Chinese (the glossary's English
// column). Anything else in Latin letters is English prose when it is a run
// of three or more words of two or more letters, or a word of four or more
// letters (proseOffences).

// pendingServerTranslation lists the server's words that the server does
// not translate behind lang=: each entry names the API route (as in
// /api/openapi.json) and picks the strings of its answer that the page
// shows verbatim; those strings, taken from the answers the page received in
// the language under test, are tolerated and printed as pending instead of
// failing. It is empty: every server text the pages show is translated
// (internal/i18n texts.json, the sentence templates). An entry added here
// is a known gap, to be named in the issue that leaves it.
const pendingServerTranslation = [];

// publishedCitations are the titles and publishers of the documents the
// server cites (pledge texts, carbon budgets): they stay as published, like
// the dataset titles, and are read from the answers the page received.
const publishedCitations = [
  {route: '/api/pledges', pick: (a) => a.pledges.map((r) => [r.pledge.source?.title, r.pledge.source?.publisher])},
  {route: '/api/warming', pick: (a) => (a.budgets || []).map((b) => [b.budget.source?.title, b.budget.source?.publisher])},
  {route: '/api/goals', pick: (a) => a.goals.map((g) => g.goal.decision)},
];

// screenshotArea is the part of a page the screenshot shows: its first
// screen from the top (the header, the heading, the lede and the first
// content, enough to review the language's typography), or the whole page
// with STOCKTAKE_FULL_SCREENSHOTS=1. Rasterising whole pages of charts
// took more than a third of the suite's time (7 s for the Paris page on a
// loaded machine, against 1 s for its first screen).
async function screenshotArea(page) {
  if (process.env.STOCKTAKE_FULL_SCREENSHOTS === '1') return {fullPage: true};
  await page.evaluate(() => window.scrollTo(0, 0));
  return {fullPage: false};
}

// stopwatch returns a lap timer for one page; with STOCKTAKE_I18N_TIMING=1
// the laps (milliseconds since the previous one) are printed when the last
// is taken, to see where the suite's time goes.
function stopwatch(name) {
  let t0 = performance.now();
  const laps = [];
  return (what, last = false) => {
    const now = performance.now();
    laps.push(`${what} ${Math.round(now - t0)}`);
    t0 = now;
    if (last && process.env.STOCKTAKE_I18N_TIMING === '1') console.log(`timing ${name}: ${laps.join(', ')} ms`);
  };
}

// counted lists the distinct lines of list, each with how often it came
// ("(×3)") when more than once.
function counted(list) {
  const n = new Map();
  for (const x of list) n.set(x, (n.get(x) || 0) + 1);
  return [...n].map(([x, k]) => (k > 1 ? `${x} (×${k})` : x));
}

// apiRoutes reads the server's OpenAPI document: each path template with a
// pattern matching its addresses and whether it takes lang= (a query
// parameter named lang on the path item or its GET operation).
async function apiRoutes(base) {
  const doc = await (await fetch(`${base}/api/openapi.json`)).json();
  const param = (p) => (p && p.$ref ? doc.components?.parameters?.[p.$ref.split('/').pop()] : p);
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return Object.entries(doc.paths).map(([tpl, item]) => ({
    tpl,
    re: new RegExp('^' + tpl.split(/\{[^}]+\}/).map(esc).join('[^/]+') + '$'),
    lang: [...(item.parameters || []), ...(item.get?.parameters || [])].map(param).some((p) => p && p.name === 'lang' && p.in === 'query'),
  }));
}

// routeOf is the OpenAPI route of an address's path, or undefined.
function routeOf(routes, pathname) {
  // A literal path wins over a template ("/api/events/recent" over "/api/events/{id}").
  return routes.find((r) => r.tpl === pathname) || routes.find((r) => r.re.test(pathname));
}

// navigate shows route in an open page the way a link does (a new hash,
// no new document) and waits until the page has drawn it: a marker put
// into <main> is gone (the router cleared it) and <main> is no longer busy.
// The keys asked for by the previous page are forgotten first.
async function navigate(page, route) {
  await page.evaluate((r) => {
    globalThis.__i18nMissing.clear();
    const mark = document.createElement('span');
    mark.id = 'test-navigation-mark';
    mark.hidden = true;
    document.querySelector('main').append(mark);
    location.hash = r;
  }, route);
  await page.waitForFunction(() => !document.getElementById('test-navigation-mark') && !document.querySelector('main').hasAttribute('aria-busy'),
    null, {timeout: 60000});
}

// One page per language: the first route is loaded, the others are reached
// by changing the hash as the navigation links do, so the page's modules,
// catalogs, glossary and API answers are loaded once (as for a reader) and
// axe-core is injected once.
for (const l of LANGS) {
  test(`every page in ${l}: no missing key, no English frame or prose, lang= on every request, axe-core clean, screenshot`, async () => {
    const ctx = await newContext();
    const axe = fs.readFileSync(axePath, 'utf8');
    const [routes, names] = await Promise.all([apiRoutes(server.base), allowedNames(server.base)]);
    const page = await ctx.newPage();
    let errors = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !(m.location().url || '').includes('/api/events')) errors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    // The API answers the page received, for the lang= check and the
    // pending server text.
    const answers = [];
    page.on('response', (r) => {
      const u = new URL(r.url());
      const route = routeOf(routes, u.pathname);
      if (!route || r.request().resourceType() !== 'fetch') return;
      answers.push({url: u, route, body: r.ok() && /json/.test(r.headers()['content-type'] || '') ? r.json().catch(() => null) : null});
    });
    const offences = [];
    const pendingSeen = [];
    let lap;
    try {
      for (const [i, p] of pages.entries()) {
        errors = [];
        const seenBefore = answers.length;
        lap = stopwatch(`${p.name} ${l}`);
        if (i === 0) {
          await page.goto(`${server.base}/${withLang(p.route, l)}`);
          await page.waitForFunction(() => !document.querySelector('main').hasAttribute('aria-busy'), null, {timeout: 60000});
        } else {
          await navigate(page, withLang(p.route, l));
        }
        await page.locator(p.ready).first().waitFor({timeout: 60000});
        lap('load');
        const state = await page.evaluate(() => ({
          missing: [...globalThis.__i18nMissing],
          lang: document.documentElement.lang,
          frame: [...document.querySelectorAll('header, footer, #skip-link')].map((e) => e.innerText).join('\n'),
          select: document.getElementById('lang-select')?.value,
          links: [...document.querySelectorAll('main a[href^="/"]')].map((a) => a.getAttribute('href')),
        }));
        assert.deepEqual(state.missing, [], `${p.name} ${l}: keys missing from the catalog`);
        assert.equal(state.lang, l, `${p.name}: <html lang>`);
        assert.equal(state.select, l, `${p.name}: the switch shows the language`);
        // Every request and every link to a route that takes lang= names
        // the page's language.
        const unlocalized = [
          ...answers.slice(seenBefore).filter((a) => a.route.lang && a.url.searchParams.get('lang') !== l).map((a) => `request ${a.url.pathname}${a.url.search}`),
          ...state.links.map((href) => new URL(href, server.base)).filter((u) => routeOf(routes, u.pathname)?.lang && u.searchParams.get('lang') !== l)
            .map((u) => `link ${u.pathname}${u.search}`),
        ];
        assert.deepEqual(unlocalized, [], `${p.name} ${l}: routes that take lang= asked without lang=${l}`);
        if (l !== 'en') {
          for (const s of englishFrame) assert.ok(!state.frame.includes(s), `${p.name} ${l}: English frame text "${s}" in ${state.frame}`);
          assert.match(await page.locator(p.heading || 'h1').innerText(), /[\u4e00-\u9fff]/, `${p.name} ${l}: the heading is Chinese`);
          // English prose: what is left after the names and codes is an
          // offence, unless it is server text still pending translation.
          const picked = async (entry) => {
            const out = [];
            for (const a of answers.filter((x) => x.route.tpl === entry.route)) {
              const body = await a.body;
              if (body) for (const v of [entry.pick(body)].flat(Infinity)) if (typeof v === 'string' && v.trim()) out.push(v);
            }
            return out;
          };
          const known = [...names, ...(await Promise.all(publishedCitations.map(picked))).flat()];
          const allowed = [...new Set(known)].sort((a, b) => b.length - a.length);
          const pending = [];
          for (const entry of pendingServerTranslation) for (const v of await picked(entry)) pending.push({entry, text: replacePhrases(v, allowed)});
          pending.sort((a, b) => b.text.length - a.text.length);
          for (const u of await page.evaluate(pageTexts)) {
            const words = proseOffences(u.text, allowed);
            if (!words.length) continue;
            const named = replacePhrases(u.text, allowed);
            const hits = pending.filter((pd) => pd.text.trim() && named.includes(pd.text));
            const used = new Set(hits.map((pd) => `${pd.entry.route} ${pd.entry.what}`));
            const rest = replacePhrases(named, hits.map((pd) => pd.text));
            const left = proseOffences(rest, []);
            if (left.length) offences.push(`${p.name} ${l} ${u.where}: ${left.join(', ')}\n    «${u.text.slice(0, 300)}»`);
            else pendingSeen.push(`${p.name} ${l} [${[...used].join('; ')}]: «${u.text.slice(0, 160)}»`);
          }
        }
        lap('checks');
        if (i === 0) await page.addScriptTag({content: axe});
        const violations = await page.evaluate(async () => {
          const r = await window.axe.run(document, {resultTypes: ['violations']});
          return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
        });
        assert.deepEqual(violations, [], `${p.name} ${l}: axe-core`);
        lap('axe');
        await page.screenshot({path: path.join(outputDir, `${p.name}-${l}.png`), ...(await screenshotArea(page))});
        lap('screenshot', true);
        assert.deepEqual(errors, [], `${p.name} ${l}: console errors`);
      }
      if (pendingSeen.length) console.log(`${l}: server text pending translation (pendingServerTranslation):\n  ${counted(pendingSeen).join('\n  ')}`);
      assert.deepEqual(counted(offences), [], `${l}: English prose in the page:\n${counted(offences).join('\n')}`);
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
