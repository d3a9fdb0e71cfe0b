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

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

export async function render(main, ctx) {
  const p = ctx.params;
  const until = p.get('until') || isoDate(new Date());
  const since = p.get('since') || isoDate(new Date(Date.parse(until) - 30 * 86400000));
  const extreme = EXTREMES.includes(p.get('extreme')) ? p.get('extreme') : 'record-high';
  const scope = SCOPES.includes(p.get('scope')) ? p.get('scope') : 'all-time';
  const state = {since, until, extreme, scope};
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
      h('button', {type: 'submit'}, t('stations:show'))));
  let res;
  try {
    res = await get('/api/records-set', {since, until, extreme, scope, min_years: MIN_YEARS}, {version: false});
  } catch (e) {
    main.append(errorBox(e, t('stations:mapTitle')));
    return;
  }
  if (ctx.stale()) return;
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
    title: t('stations:dotTitle', {name: r.name || r.station, value: quantity(r.value, r.unit), date: day(r.date)}),
  }));
  await drawMap(main, points, t('stations:mapLabel', vars));
  if (ctx.stale()) return;
  const rows = res.records.map((r) => [
    h('a', {href: `#/station/${encodeURIComponent(r.station)}`, 'data-station': r.station}, `${r.name || r.station} (${r.station})`),
    r.country,
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
