// The map of stations that set records (#/stations?since=&until=&extreme=
// &scope=): GET /api/records-set for the period, drawn on a world map
// (map.js) and listed in a table with the same stations. The selectors
// live in the URL so a view can be shared.

import {get} from '../api.js';
import {h} from '../dom.js';
import {errorBox, select, table} from '../ui.js';
import {t, lang, register} from '../i18n.js';
import messages from '../messages/stations.js';
import {drawMap} from './map.js';

register('stations', messages);

export const EXTREMES = ['record-high', 'record-low', 'highest-low', 'lowest-high', 'wettest-day'];
const SCOPES = ['all-time', 'month', 'day'];
const MIN_YEARS = 30;

// number formats a value in the current language with one decimal.
export function number(v) {
  return new Intl.NumberFormat(lang(), {minimumFractionDigits: 1, maximumFractionDigits: 1}).format(v);
}

// quantity formats a value with its unit (degC → °C, mm).
export function quantity(v, unit) {
  return number(v) + (unit === 'degC' ? ' °C' : ' ' + unit);
}

// day formats a YYYY-MM-DD date in the current language (UTC).
export function day(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat(lang(), {dateStyle: 'medium', timeZone: 'UTC'}).format(Date.UTC(y, m - 1, d));
}

// sourceLine states a station file's provenance.
export function sourceLine(src) {
  if (!src) return null;
  return h('p', {class: 'source'}, t('stations:source', {dataset: src.dataset, file: src.file, sha: src.sha256.slice(0, 12),
    retrieved: day(src.retrieved.slice(0, 10))}));
}

// regionName names a region in the current language from its ISO 3166-1
// alpha-2 code (Intl.DisplayNames: CLDR, as the server's names), or
// returns '' when the browser cannot.
export function regionName(iso2) {
  if (!iso2) return '';
  try {
    const n = new Intl.DisplayNames([lang()], {type: 'region'}).of(iso2);
    return n && n !== iso2 ? n : '';
  } catch {
    return '';
  }
}

// countryName names the country of a station answer (fields country,
// country_iso2, country_name of GET /api/stations and the records): from
// its ISO code in the current language, else the server's name, else
// GHCN's code said as such. GHCN-Daily's codes are FIPS 10-4 codes (CH is
// China), so a bare GHCN code is never shown as a country.
export function countryName(r) {
  return regionName(r.country_iso2) || r.country_name || t('stations:ghcnCode', {code: r.country});
}

// countryLabel shows a station's country: its name, with GHCN's code in
// small print and a tooltip that explains it, for traceability.
export function countryLabel(r) {
  return h('span', {class: 'country', 'data-iso2': r.country_iso2 || '', 'data-ghcn': r.country,
    title: t('stations:ghcnTitle', {code: r.country})},
  countryName(r), ' ', h('small', {class: 'ghcn-code'}, t('stations:ghcnCode', {code: r.country})));
}

// MARK stands in a message for an element inserted by withCode.
const MARK = '\u0000';

// withCode splits a message at MARK and puts code there as <code> (what a
// user types, the same in every language).
function withCode(text, code) {
  const [a, b = ''] = text.split(MARK);
  return [a, h('code', {}, code), b];
}

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

export async function render(main, ctx) {
  const p = ctx.params;
  const until = p.get('until') || isoDate(new Date());
  const since = p.get('since') || isoDate(new Date(Date.parse(until) - 30 * 86400000));
  const extreme = EXTREMES.includes(p.get('extreme')) ? p.get('extreme') : 'record-high';
  const scope = SCOPES.includes(p.get('scope')) ? p.get('scope') : 'all-time';
  // The country filter is passed to the API as typed: the API reads it
  // (ISO alpha-3, ghcn:CH, or an unambiguous ISO alpha-2 code) and
  // answers 400, shown here, for an ambiguous one such as CH.
  const country = (p.get('country') || '').trim();
  const state = {since, until, extreme, scope, country};
  const go = () => {
    ctx.setParams(state);
    dispatchEvent(new HashChangeEvent('hashchange'));
  };
  const dateField = (name) => {
    const id = `st-${name}`;
    return h('div', {class: 'field'}, h('label', {for: id}, t(`stations:${name}`)),
      h('input', {type: 'date', id, name, value: state[name], onchange: (e) => { state[name] = e.target.value; }}));
  };
  main.append(h('h1', {}, t('stations:mapTitle')),
    h('p', {}, t('stations:mapIntro', {years: MIN_YEARS})),
    h('form', {class: 'controls', onsubmit: (e) => { e.preventDefault(); go(); }},
      dateField('since'), dateField('until'),
      select(t('stations:extreme'), 'extreme', EXTREMES.map((x) => [x, t(`stations:ext_${x}`)]), extreme, (v) => { state.extreme = v; }),
      select(t('stations:scope'), 'scope', SCOPES.map((x) => [x, t(`stations:scope_${x}`)]), scope, (v) => { state.scope = v; }),
      h('div', {class: 'field'}, h('label', {for: 'st-country'}, t('stations:country')),
        h('input', {type: 'text', id: 'st-country', name: 'country', value: country, size: 8, style: 'max-width: 10em', autocomplete: 'off', spellcheck: 'false',
          'aria-describedby': 'st-country-help', onchange: (e) => { state.country = e.target.value.trim(); }}),
        h('small', {id: 'st-country-help'}, ...withCode(t('stations:countryHelp', {form: MARK}), 'ghcn:CH'))),
      h('button', {type: 'submit'}, t('stations:show'))));
  let res;
  try {
    const q = {since, until, extreme, scope, min_years: MIN_YEARS};
    if (country) q.country = country;
    res = await get('/api/records-set', q, {version: false});
  } catch (e) {
    // A refused country filter is explained in the page's language before
    // the server's own words (which name both readings of the code).
    if (country && e.status === 400) main.append(h('p', {class: 'error country-refused', role: 'alert'}, t('stations:countryRefused', {value: country})));
    main.append(errorBox(e, t('stations:mapTitle')));
    return;
  }
  if (ctx.stale()) return;
  if (res.country) {
    main.append(h('p', {class: 'country-filter', 'data-iso2': res.country.iso2},
      t('stations:countryFilter', {name: regionName(res.country.iso2) || res.country.name, iso3: res.country.iso3, ghcn: res.country.ghcn.join(', ')})));
  }
  const stations = new Set(res.records.map((r) => r.station));
  const vars = {since: day(res.since), until: day(res.until)};
  main.append(h('p', {class: 'records-summary', 'data-count': stations.size},
    res.records.length ? t('stations:count', {count: stations.size, ...vars}) : t('stations:none')));
  // The map shows each station once, at its latest record of the period.
  const latest = new Map();
  for (const r of res.records) latest.set(r.station, r);
  const points = [...latest.values()].filter((r) => r.latitude !== null && r.longitude !== null).map((r) => ({
    id: r.station, lat: r.latitude, lon: r.longitude, href: `#/station/${encodeURIComponent(r.station)}`,
    cls: r.tie ? 'tie' : r.national ? 'national' : '',
    title: t('stations:dotTitle', {name: r.name || r.station, country: countryName(r), value: quantity(r.value, r.unit), date: day(r.date)}),
  }));
  await drawMap(main, points, t('stations:mapLabel', vars));
  if (ctx.stale()) return;
  const rows = res.records.map((r) => [
    h('a', {href: `#/station/${encodeURIComponent(r.station)}`, 'data-station': r.station}, `${r.name || r.station} (${r.station})`),
    countryLabel(r),
    h('time', {datetime: r.date}, day(r.date)),
    h('span', {'data-value': r.value}, quantity(r.value, r.unit)),
    `${quantity(r.previous, r.unit)} (${day(r.previous_date)})`,
    [r.tie ? t('stations:tie') : '', r.national ? t('stations:national') : ''].filter(Boolean).join(', '),
  ]);
  main.append(h('div', {class: 'scroll-y'}, table(t('stations:tableCaption', vars),
    [t('stations:col_station'), t('stations:col_country'), t('stations:col_date'), t('stations:col_value'),
      t('stations:col_previous'), t('stations:col_note')], rows, {numeric: [3, 4], cls: 'records-set'})));
  if (res.records.length) main.append(sourceLine(res.records[res.records.length - 1].source));
}
