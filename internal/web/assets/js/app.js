// The dashboard's entry point: a hash router (#/indicator/sst.world?smooth=5d)
// that renders one page at a time into <main>. Pages are modules under
// pages/ exporting render(main, route); they read the API through api.js.

import * as api from './api.js';
import {h, clear} from './dom.js';
import {destroyAll, hasUPlot, missingUPlot} from './chart.js';
import {errorBox} from './ui.js';
import * as i18n from './i18n.js';
import {mountShare} from './share.js';
import * as overview from './pages/overview.js';
import * as indicators from './pages/indicators.js';
import * as indicator from './pages/indicator.js';
import * as countries from './pages/countries.js';
import * as rankings from './pages/rankings.js';
import * as events from './pages/events.js';
import * as sources from './pages/sources.js';
import * as paris from './pages/paris.js';
import * as stationsPage from './pages/stations.js';
import * as station from './pages/station.js';
import * as glossary from './pages/glossary.js';

const main = document.getElementById('main');
const status = document.getElementById('status');

// Routes: the first path segment names the page; the rest is its argument.
const pages = {
  '': {mod: overview, nav: 'overview'},
  indicators: {mod: indicators, nav: 'indicators'},
  indicator: {mod: indicator, nav: 'indicators'},
  countries: {mod: countries, nav: 'countries'},
  rankings: {mod: rankings, nav: 'rankings'},
  events: {mod: events, nav: 'events'},
  sources: {mod: sources, nav: 'sources'},
  paris: {mod: paris, nav: 'paris'},
  stations: {mod: stationsPage, nav: 'stations'},
  station: {mod: station, nav: 'stations'},
  glossary: {mod: glossary, nav: 'glossary'},
};

// parse reads the route from location.hash: "#/indicator/sst.world?smooth=5d"
// gives {page: "indicator", arg: "sst.world", params: URLSearchParams}.
function parse() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const [path, query = ''] = raw.split('?');
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  return {page: segs[0] || '', arg: segs.slice(1).join('/'), params: new URLSearchParams(query)};
}

// setParams rewrites the current route's query without navigating, so a
// selector's state survives a reload and can be shared as a link.
function setParams(values) {
  const r = parse();
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '') r.params.delete(k);
    else r.params.set(k, String(v));
  }
  const q = r.params.toString();
  const path = '#/' + [r.page, r.arg].filter(Boolean).map(encodeURIComponent).join('/').replaceAll('%2F', '/').replaceAll('%40', '@');
  history.replaceState(null, '', path + (q ? '?' + q : ''));
}

// announce tells screen-reader users what happened (loading, loaded).
export function announce(text) {
  status.textContent = text;
}

let renderSeq = 0;
let firstRender = true;

// render draws the page of the current route.
async function render() {
  const seq = ++renderSeq;
  syncLang();
  const r = parse();
  const entry = pages[r.page];
  destroyAll();
  clear(main);
  main.setAttribute('aria-busy', 'true');
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (entry && a.dataset.nav === entry.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!entry) {
    main.append(h('h1', {tabindex: '-1'}, i18n.t('common:notFound.title')),
      h('p', {}, i18n.t('common:notFound.text'), h('code', {}, location.hash), '. ', h('a', {href: '#/'}, i18n.t('common:notFound.back'))));
    finish(seq, i18n.t('common:notFound.title'));
    return;
  }
  announce(i18n.t('common:loading'));
  const ctx = {
    arg: r.arg,
    params: r.params,
    setParams,
    stale: () => seq !== renderSeq,
  };
  try {
    await api.loadNames();
    await entry.mod.render(main, ctx);
  } catch (e) {
    if (seq !== renderSeq) return;
    console.warn(e);
    main.append(errorBox(e));
  }
  if (seq !== renderSeq) return;
  const h1 = main.querySelector('h1');
  finish(seq, h1 ? h1.textContent : 'stocktake');
}

function finish(seq, title) {
  if (seq !== renderSeq) return;
  main.removeAttribute('aria-busy');
  document.title = title === 'stocktake' ? title : `${title} · stocktake`;
  announce(i18n.t('common:loaded', {title}));
  const h1 = main.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    if (!firstRender) h1.focus({preventScroll: false});
  }
  firstRender = false;
}

// syncLang follows the route's lang= (a shared link, the back button) and
// writes the chosen language into the route when it was chosen explicitly,
// so that the address names the language the page is in.
function syncLang() {
  const want = i18n.normalize(parse().params.get('lang'));
  if (want && want !== i18n.lang()) {
    i18n.setLang(want);
    applyLang();
  }
  if (i18n.explicit() && parse().params.get('lang') !== i18n.lang()) setParams({lang: i18n.lang()});
}

// applyLang re-translates the frame after a change of language.
function applyLang() {
  i18n.translateFrame();
  const sel = document.getElementById('lang-select');
  if (sel) sel.value = i18n.lang();
  const label = document.querySelector('label[for="lang-select"]');
  if (label) label.textContent = i18n.t('common:language');
  const notice = document.getElementById('notice');
  if (!hasUPlot() && !notice.hidden) notice.replaceChildren(missingUPlot());
}

// langSwitch renders the header's language switch: a labelled <select>
// whose options are the languages' own names, each marked with its lang.
// Choosing one remembers it, writes it into the route and re-renders.
function langSwitch() {
  const box = document.getElementById('lang-switch');
  if (!box) return;
  const sel = h('select', {id: 'lang-select', name: 'lang', onchange: (e) => {
    i18n.setLang(e.target.value);
    setParams({lang: i18n.lang()});
    applyLang();
    render();
  }}, i18n.LANGS.map((l) => h('option', {value: l, lang: l, selected: l === i18n.lang()}, i18n.NAMES[l])));
  box.replaceChildren(h('label', {for: 'lang-select'}, i18n.t('common:language')), sel);
}

async function start() {
  // The language: lang= in the route's query or the page's, else the
  // remembered choice or the browser's languages (see i18n.js).
  i18n.init(parse().params.get('lang') || new URLSearchParams(location.search).get('lang'));
  langSwitch();
  applyLang();
  // The alerts engineer's /?event=ID links land here: show the events.
  if (new URLSearchParams(location.search).has('event') && !location.hash) {
    history.replaceState(null, '', '/#/events?event=' + encodeURIComponent(new URLSearchParams(location.search).get('event')));
  }
  mountShare(document.querySelector('.site-header'));
  document.getElementById('skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
    main.scrollIntoView();
  });
  if (!hasUPlot()) {
    const n = document.getElementById('notice');
    n.hidden = false;
    n.append(missingUPlot());
  }
  await api.init();
  // The record-events endpoint is optional: show its link only when it answers.
  api.get('/api/events', {limit: 1}, {version: false, optional: true})
    .then((page) => { document.getElementById('nav-events').hidden = !page; })
    .catch(() => {});
  window.addEventListener('hashchange', () => {
    if (location.hash === '' || location.hash.startsWith('#/')) render();
  });
  // Charts take their colours from the scheme: redraw when it changes.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => render());
  await render();
}

start();
