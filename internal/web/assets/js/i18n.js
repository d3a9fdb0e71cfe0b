// The dashboard's languages: English, Traditional Chinese (zh-Hant) and
// Simplified Chinese (zh-Hans). Page text comes from message catalogs held
// by i18next (the vendored UMD build, a global named i18next); dates,
// numbers, plurals and lists are formatted by the browser's Intl APIs for
// the chosen locale, never by hand.
//
// Catalogs live in js/messages/<namespace>.js, one module per page or
// concern, each exporting {en: {...}, 'zh-Hant': {...}, 'zh-Hans': {...}}
// with the same keys in every language (web/test checks this). A key is
// written "namespace:key", e.g. t('common:loading'). Registering a module
// here is the only step to add a namespace.
//
// The language is chosen, in order, from the URL's lang= parameter, the
// choice remembered in localStorage, and the browser's navigator.languages
// (any Chinese locale whose likely script is Hant, e.g. zh-TW or zh-HK,
// gives zh-Hant; any other Chinese locale gives zh-Hans); English otherwise.

import common from './messages/common.js';
import overview from './messages/overview.js';
import indicators from './messages/indicators.js';
import indicator from './messages/indicator.js';
import countries from './messages/countries.js';
import rankings from './messages/rankings.js';
import events from './messages/events.js';
import sources from './messages/sources.js';
import paris from './messages/paris.js';
import glossary from './messages/glossary.js';

const namespaces = {common, overview, indicators, indicator, countries, rankings, events, sources, paris, glossary};

export const LANGS = ['en', 'zh-Hant', 'zh-Hans'];
const STORAGE_KEY = 'stocktake.lang';

let current = 'en';

// explicitChoice is true when the language was named by the URL or chosen
// in the language switch (and remembered), rather than taken from the
// browser: only then is lang= written into the route, so that links in a
// browser's own language stay as they were.
let explicitChoice = false;

// NAMES are the languages' own names, shown in the language switch.
export const NAMES = {en: 'English', 'zh-Hant': '繁體中文', 'zh-Hans': '简体中文'};

// LOCALES are the Intl locales used to format dates and numbers in each
// language: British English writes "22 July 2024", Taiwan's Traditional
// Chinese and mainland Simplified Chinese write "2024年7月22日".
const LOCALES = {en: 'en-GB', 'zh-Hant': 'zh-Hant-TW', 'zh-Hans': 'zh-Hans-CN'};

// missing collects the keys t() was asked for that the current language's
// catalog lacks, so that the browser tests can fail on an untranslated key.
const missing = new Set();
globalThis.__i18nMissing = missing;

// register adds a namespace's catalog; pages' modules call it at import
// time when they keep their own messages module.
export function register(ns, catalog) {
  namespaces[ns] = catalog;
  if (globalThis.i18next && globalThis.i18next.isInitialized) {
    for (const lng of LANGS) globalThis.i18next.addResourceBundle(lng, ns, catalog[lng] || {}, true, true);
  }
}

// normalize maps a BCP 47 tag to one of LANGS, or '' if it is none of them.
export function normalize(tag) {
  if (!tag) return '';
  let loc;
  try {
    loc = new Intl.Locale(tag);
  } catch {
    return '';
  }
  if (loc.language === 'en') return 'en';
  if (loc.language !== 'zh') return '';
  const script = loc.script || loc.maximize().script;
  return script === 'Hant' ? 'zh-Hant' : 'zh-Hans';
}

// choose picks the language from the URL, the remembered choice and the
// browser, in that order.
export function choose(urlLang, stored, browserLangs) {
  for (const tag of [urlLang, stored]) {
    const l = normalize(tag);
    if (l) return l;
  }
  for (const tag of browserLangs || []) {
    const l = normalize(tag);
    if (l) return l;
  }
  return 'en';
}

// init sets up i18next with every registered catalog and the chosen
// language, and sets <html lang>.
export function init(urlLang) {
  let stored = '';
  try {
    stored = localStorage.getItem(STORAGE_KEY) || '';
  } catch {
    stored = '';
  }
  current = choose(urlLang, stored, navigator.languages);
  explicitChoice = !!(normalize(urlLang) || normalize(stored));
  const resources = {};
  for (const lng of LANGS) {
    resources[lng] = {};
    for (const [ns, catalog] of Object.entries(namespaces)) resources[lng][ns] = catalog[lng] || {};
  }
  globalThis.i18next.init({
    lng: current,
    fallbackLng: 'en',
    supportedLngs: LANGS,
    load: 'currentOnly',
    resources,
    ns: Object.keys(namespaces),
    defaultNS: 'common',
    nsSeparator: ':',
    keySeparator: '.',
    interpolation: {escapeValue: false}, // text is inserted as text nodes, never as HTML
    initAsync: false,
    returnNull: false,
  });
  document.documentElement.lang = current;
  return current;
}

// lang returns the current language, one of LANGS.
export function lang() {
  return current;
}

// setLang switches the language and remembers it.
export function setLang(l) {
  current = normalize(l) || 'en';
  explicitChoice = true;
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // A browser without storage keeps the choice in the URL only.
  }
  globalThis.i18next.changeLanguage(current);
  document.documentElement.lang = current;
  return current;
}

// t returns the message for key ("namespace:key") in the current language,
// with {{name}} placeholders filled from vars and plurals chosen by
// vars.count through Intl.PluralRules. A key missing from the current
// language is recorded in __i18nMissing and falls back to English.
export function t(key, vars) {
  const i18n = globalThis.i18next;
  if (!i18n || !i18n.isInitialized) return key;
  if (!i18n.exists(key, {...vars, lng: current, fallbackLng: false})) missing.add(`${current} ${key}`);
  return i18n.t(key, vars);
}

// explicit reports whether the language was chosen (URL or switch) rather
// than taken from the browser's languages.
export function explicit() {
  return explicitChoice;
}

// locale returns the Intl locale of the current language (see LOCALES).
export function locale() {
  return LOCALES[current];
}

// translateFrame fills the page's static frame (index.html) from the
// catalogs: an element with data-i18n="ns:key" gets the message as its
// text; data-i18n-attr="attr=ns:key;attr2=ns:key2" sets attributes.
export function translateFrame(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split('=');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}
