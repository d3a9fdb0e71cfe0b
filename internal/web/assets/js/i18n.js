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

const namespaces = {common};

export const LANGS = ['en', 'zh-Hant', 'zh-Hans'];
const STORAGE_KEY = 'stocktake.lang';

let current = 'en';

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
