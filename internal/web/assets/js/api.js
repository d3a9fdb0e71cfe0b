// Access to the HTTP API (internal/api). Every request names the current
// data version (v=, read once from /healthz) so the browser may keep the
// answers until the data change; the API documents that contract.

import {h} from './dom.js';

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

// get fetches JSON from the API. Answers to versioned requests are kept in
// memory for the life of the page (they are immutable for a data version);
// unversioned ones (events, which arrive without a new data version) are
// fetched every time and revalidated by their ETag. Options: version
// (default true) adds v=; optional (default false) resolves to null on 404
// instead of throwing.
export async function get(path, params = {}, {version = true, optional = false} = {}) {
  const u = url(path, params, version);
  if (version && memo.has(u)) return memo.get(u);
  fetched.push(u);
  const p = (async () => {
    let r;
    try {
      r = await fetch(u, {headers: {Accept: 'application/json'}});
    } catch (e) {
      throw new ApiError(0, `The server could not be reached (${e.message}).`, u);
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
    memo.set(u, p);
    p.catch(() => memo.delete(u));
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
  parts.push('Source: ', h('span', {class: 'src-dataset'}, src.dataset));
  if (src.version) parts.push(', version ', h('span', {class: 'src-version'}, src.version));
  if (src.sha256) {
    parts.push(', sha256 ', h('a', {
      href: url('/api/versions', {dataset: src.dataset}),
      class: 'src-sha',
      title: `sha256 ${src.sha256}: every version of ${src.dataset} (JSON)`,
    }, h('code', {}, shortSHA(src.sha256) + '…')));
  }
  if (src.retrieved) parts.push(', retrieved ', src.retrieved.slice(0, 10));
  if (src.url && /^https?:\/\//.test(src.url)) {
    parts.push(' (', h('a', {href: src.url.split(' ')[0], rel: 'noopener'}, 'producer file'), ')');
  }
  if (extra) parts.push('. ', extra);
  return h('p', {class: 'source'}, parts);
}

// chartLinks renders the download links of a server-rendered chart:
// /api/chart/ID.{csv,png,svg} with the given parameters.
export function chartLinks(id, params = {}, label = '') {
  const fmt = (ext, text) => h('a', {href: url(`/api/chart/${encodeURIComponent(id)}.${ext}`, params), download: ''}, text);
  return h('p', {class: 'downloads'}, 'Download', label ? ` ${label}` : '', ': ',
    fmt('csv', 'CSV'), ' · ', fmt('png', 'PNG'), ' · ', fmt('svg', 'SVG'));
}
