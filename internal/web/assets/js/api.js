// Access to the HTTP API (internal/api). Every request names the current
// data version (v=, read once from /healthz) so the browser may keep the
// answers until the data change; the API documents that contract.
//
// Languages: the routes that write words (sentences, titles, chart text)
// take lang= (en, zh-Hant, zh-Hans); the others refuse unknown parameters.
// init reads which routes take it from the server's OpenAPI document, and
// requests to those routes name the page's language; every request also
// carries Accept-Language, which such routes follow too. A server that
// knows no languages (no route lists lang) is never sent lang=, so the
// pages work unchanged, in English words from the server. Should a route
// still refuse lang= (400 unknown parameter "lang"), the request is
// repeated without it and lang= is not sent again.

import {h, dateText, setUnitNames} from './dom.js';
import {t, lang} from './i18n.js';

// langParam is false once the server has refused lang=.
let langParam = true;

// localized holds a pattern per API path that takes lang= (from
// /api/openapi.json).
const localized = [];

// hasGlossary is true when the server lists GET /api/glossary.
let hasGlossary = false;

// names maps glossary ids ("indicator:sst.world") to their reviewed
// renderings ({en, 'zh-Hant', 'zh-Hans'}), once loaded by loadNames.
const names = new Map();
let namesLoaded = null;

// loadNames reads the glossary once, when the page is in a language other
// than English and the server has the endpoint (so that no page asks for
// a route the server lacks).
export function loadNames() {
  if (lang() === 'en' || !hasGlossary) return Promise.resolve();
  if (!namesLoaded) {
    namesLoaded = get('/api/glossary', {}, {version: false, optional: true}).then((g) => {
      for (const term of (g && g.terms) || []) names.set(term.id, term);
      setUnitNames((u) => names.get(`unit:${u}`)?.[lang()] || '');
    }).catch(() => {});
  }
  return namesLoaded;
}

// titleOf is an indicator's name in the current language from the
// reviewed glossary, or fallback (the server's title) in English or when
// the glossary lacks the indicator.
export function titleOf(id, fallback) {
  if (lang() === 'en') return fallback;
  const term = names.get(`indicator:${id}`);
  return (term && term[lang()]) || fallback;
}

// takesLang reports whether requests to path may name the language.
export function takesLang(path) {
  return langParam && localized.some((re) => re.test(path));
}

// readLocalized fills localized from the OpenAPI document: the paths whose
// GET operation (or path item) has a query parameter named lang, with
// {name} templates matching one path segment or part of one.
async function readLocalized() {
  try {
    const r = await fetch('/api/openapi.json', {headers: {Accept: 'application/json'}});
    if (!r.ok) return;
    const doc = await r.json();
    const resolve = (p) => {
      if (p && typeof p.$ref === 'string') {
        const name = p.$ref.split('/').pop();
        return doc.components?.parameters?.[name] || null;
      }
      return p;
    };
    hasGlossary = Object.hasOwn(doc.paths || {}, '/api/glossary');
    const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const [path, item] of Object.entries(doc.paths || {})) {
      const params = [...(item.parameters || []), ...((item.get || {}).parameters || [])].map(resolve);
      if (params.some((p) => p && p.name === 'lang' && p.in === 'query')) {
        localized.push(new RegExp('^' + path.split(/\{[^}]+\}/).map(esc).join('[^/]+') + '$'));
      }
    }
  } catch {
    // Without the document no request names the language.
  }
}

let dataVersion = null;
const memo = new Map();

// ApiError is a failed request: status is the HTTP status (0 when the
// server could not be reached) and message the API's own explanation.
export class ApiError extends Error {
  constructor(status, message, url) {
    super(message);
    this.status = status;
    this.url = url;
  }
}

// fetched lists the API URLs requested, newest last; the browser tests read
// it to check that a selector changed the request.
export const fetched = [];
window.__stocktake = window.__stocktake || {};
window.__stocktake.fetched = fetched;

// init reads the data version from /healthz. The dashboard works without
// it (requests are then revalidated instead of cached).
export async function init() {
  await Promise.all([readLocalized(), readVersion()]);
  return dataVersion;
}

// readVersion reads the data version from /healthz.
async function readVersion() {
  try {
    const r = await fetch('/healthz', {cache: 'no-store'});
    if (r.ok) dataVersion = (await r.json()).data_version || null;
  } catch {
    dataVersion = null;
  }
  return dataVersion;
}

// url builds an API address from a path and parameters, leaving out empty
// parameters. withVersion adds v=<data version>.
export function url(path, params = {}, withVersion = false) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '' || v === false) continue;
    q.set(k, String(v));
  }
  if (withVersion && dataVersion) q.set('v', dataVersion);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

// link is the address of an API route for a link or download in the page:
// url() with lang= naming the page's language when the route takes it
// (the feed, charts, and whichever routes the server's OpenAPI document
// lists with lang), so that what the reader opens is in the page's
// language.
export function link(path, params = {}) {
  return url(path, takesLang(path) ? {...params, lang: lang()} : params);
}

// get fetches JSON from the API. Answers to versioned requests are kept in
// memory for the life of the page (they are immutable for a data version);
// unversioned ones (events, which arrive without a new data version) are
// fetched every time and revalidated by their ETag. Options: version
// (default true) adds v=; optional (default false) resolves to null on 404
// instead of throwing.
export async function get(path, params = {}, opts = {}) {
  if (!takesLang(path)) return fetchJSON(path, params, opts);
  try {
    return await fetchJSON(path, {...params, lang: lang()}, opts);
  } catch (e) {
    if (e instanceof ApiError && e.status === 400 && /unknown parameter "lang"/.test(e.message)) {
      langParam = false;
      return fetchJSON(path, params, opts);
    }
    throw e;
  }
}

// fetchJSON is get without the language rule.
async function fetchJSON(path, params, {version = true, optional = false} = {}) {
  const u = url(path, params, version);
  // The memo is keyed by language too: a route may follow Accept-Language.
  const key = `${lang()} ${u}`;
  if (version && memo.has(key)) return memo.get(key);
  fetched.push(u);
  const p = (async () => {
    let r;
    try {
      r = await fetch(u, {headers: {Accept: 'application/json', 'Accept-Language': lang()}});
    } catch (e) {
      throw new ApiError(0, t('common:error.unreachable', {message: e.message}), u);
    }
    if (optional && (r.status === 404 || r.status === 405)) return null;
    let body = null;
    try {
      body = await r.json();
    } catch {
      body = null;
    }
    if (!r.ok) {
      throw new ApiError(r.status, (body && body.error) || `${r.status} ${r.statusText}`, u);
    }
    return body;
  })();
  if (version) {
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}

// shortSHA is the first 12 hex digits of a sha256, as the server's source
// lines write it.
export function shortSHA(sha) {
  return sha ? sha.slice(0, 12) : '';
}

// sourceNote renders a source (present.Source) as a line: dataset, version,
// sha256 prefix with a link to the dataset's versions, and the retrieval
// date. extra (optional) is appended, e.g. the licence.
export function sourceNote(src, extra) {
  if (!src) return null;
  const parts = [];
  parts.push(t('common:source.label'), h('span', {class: 'src-dataset'}, src.dataset));
  if (src.version) parts.push(t('common:source.version'), h('span', {class: 'src-version'}, src.version));
  if (src.sha256) {
    parts.push(t('common:source.sha'), h('a', {
      href: link('/api/versions', {dataset: src.dataset}),
      class: 'src-sha',
      title: t('common:source.shaTitle', {sha: src.sha256, dataset: src.dataset}),
    }, h('code', {}, shortSHA(src.sha256) + '…')));
  }
  if (src.retrieved) parts.push(t('common:source.retrieved'), h('time', {datetime: src.retrieved.slice(0, 10)}, dateText(src.retrieved.slice(0, 10))));
  if (src.url && /^https?:\/\//.test(src.url)) {
    parts.push(' (', h('a', {href: src.url.split(' ')[0], rel: 'noopener'}, t('common:source.producerFile')), ')');
  }
  if (extra) parts.push('. ', extra);
  return h('p', {class: 'source'}, parts);
}

// chartLinks renders the download links of a server-rendered chart:
// /api/chart/ID.{csv,png,svg} with the given parameters.
export function chartLinks(id, params = {}, label = '') {
  const fmt = (ext, text) => {
    const path = `/api/chart/${encodeURIComponent(id)}.${ext}`;
    return h('a', {href: link(path, params), download: ''}, text);
  };
  return h('p', {class: 'downloads'}, label ? t('common:downloadOf', {label}) : t('common:download'), ': ',
    fmt('csv', 'CSV'), ' · ', fmt('png', 'PNG'), ' · ', fmt('svg', 'SVG'));
}
