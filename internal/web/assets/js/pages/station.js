// A station's page (#/station/ID?element=TMAX&year=Y): its daily
// climatology band (GET /api/stations/{id}/climatology: per calendar day the
// lowest to highest value and the 10th to 90th percentile of the reference
// years, with one year's values as a line), drawn with uPlot through
// chart.js with the same numbers in a table, and its all-time records (GET
// /api/stations/{id}/records) with their data file.

import {get} from '../api.js';
import {h} from '../dom.js';
import {axis, dataTable, mount, theme} from '../chart.js';
import {errorBox, select, table} from '../ui.js';
import {t, lang} from '../i18n.js';
import {EXTREMES, countryName, day, number, quantity, sourceLine} from './stations.js';

const ELEMENTS = ['TMAX', 'TMIN', 'PRCP'];

// calendarDay names a month and day in the current language.
function calendarDay(m, d) {
  return new Intl.DateTimeFormat(lang(), {month: 'long', day: 'numeric', timeZone: 'UTC'}).format(Date.UTC(2000, m - 1, d));
}

// coord formats a latitude or longitude in decimal degrees as GHCN gives
// them (four decimals at most).
function coord(v) {
  return new Intl.NumberFormat(lang(), {maximumFractionDigits: 4}).format(v);
}

export async function render(main, ctx) {
  const id = ctx.arg.toUpperCase();
  const element = ELEMENTS.includes(ctx.params.get('element')) ? ctx.params.get('element') : 'TMAX';
  const year = ctx.params.get('year') || '';
  let clim;
  let recs;
  try {
    [clim, recs] = await Promise.all([
      get(`/api/stations/${encodeURIComponent(id)}/climatology`, {element, year}, {version: false}),
      get(`/api/stations/${encodeURIComponent(id)}/records`, {}, {version: false, optional: true}),
    ]);
  } catch (e) {
    main.append(h('h1', {}, id), errorBox(e, id));
    return;
  }
  if (ctx.stale()) return;
  const st = clim.station;
  const name = st.name || id;
  main.append(h('h1', {}, t('stations:stationTitle', {name})),
    // The country is named from its ISO code in the page's language, with
    // GHCN's own code (a FIPS code, not ISO's) beside it and explained.
    h('p', {class: 'station-meta', 'data-iso2': st.country_iso2 || '', 'data-ghcn': st.country,
      title: t('stations:ghcnTitle', {code: st.country})},
    t('stations:stationMeta', {id, country: countryName(st) + t('stations:ghcnAside', {code: st.country}),
      lat: coord(st.latitude), lon: coord(st.longitude), elev: number(st.elevation_m)})),
    h('p', {}, h('a', {href: '#/stations'}, t('stations:backToMap'))),
    h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()},
      select(t('stations:element'), 'element', ELEMENTS.map((x) => [x, t(`stations:el_${x}`)]), element, (v) => {
        ctx.setParams({element: v});
        dispatchEvent(new HashChangeEvent('hashchange'));
      })));

  // The climatology band: x is the index of the calendar day.
  const days = clim.days;
  const col = (k) => days.map((d) => d[k]);
  const lo = col('min');
  const p10 = col('p10');
  const p90 = col('p90');
  const hi = col('max');
  const cur = col('value');
  const xs = days.map((_, i) => i);
  const above = days.filter((d) => d.value !== null && d.p90 !== null && d.value > d.p90).length;
  const below = days.filter((d) => d.value !== null && d.p10 !== null && d.value < d.p10).length;
  const vars = {first: clim.first_year, last: clim.last_year, year: clim.year};
  const th = theme();
  const monthStarts = days.map((d, i) => (d.day === 1 ? i : -1)).filter((i) => i >= 0);
  const monthShort = (i) => new Intl.DateTimeFormat(lang(), {month: 'short', timeZone: 'UTC'}).format(Date.UTC(2000, days[i].month - 1, 1));
  const sec = h('section', {'aria-labelledby': 'clim-h'}, h('h2', {id: 'clim-h'}, t('stations:climTitle', vars)));
  main.append(sec);
  const fmt = (v) => (v === null || v === undefined ? t('stations:noValue') : quantity(v, clim.unit));
  mount(sec, {
    name: 'station-climatology',
    label: t('stations:climLabel', {...vars, element: t(`stations:el_${element}`), name, above, below}),
    height: 380,
    data: [xs, hi, lo, p90, p10, cur],
    opts: {
      scales: {x: {time: false, range: [0, Math.max(1, days.length - 1)]}},
      legend: {show: false},
      cursor: {points: {show: false}, drag: {x: false, y: false}},
      series: [{},
        {label: t('stations:series_max'), stroke: th.grid, width: 1},
        {label: t('stations:series_min'), stroke: th.grid, width: 1},
        {label: t('stations:series_p90'), stroke: th.mean, width: 1},
        {label: t('stations:series_p10'), stroke: th.mean, width: 1},
        {label: String(clim.year), stroke: th.current, width: 2, spanGaps: false}],
      bands: [{series: [1, 2], fill: th.band}, {series: [3, 4], fill: th.band}],
      axes: [
        axis(th, {splits: () => monthStarts, values: (_, splits) => splits.map(monthShort)}),
        axis(th, {label: clim.unit === 'degC' ? '°C' : clim.unit, size: 60, values: (_, splits) => splits.map((v) => number(v))}),
      ],
    },
    keyTop: (u, i) => u.valToPos(cur[i] ?? p90[i] ?? 0, 'y'),
    readout: (u, i) => t('stations:readout', {day: calendarDay(days[i].month, days[i].day), year: clim.year, value: fmt(cur[i]),
      min: fmt(lo[i]), max: fmt(hi[i]), p10: fmt(p10[i]), p90: fmt(p90[i])}),
  });
  sec.append(dataTable(t('stations:climTable'),
    [t('stations:col_day'), t('stations:series_min'), t('stations:series_p10'), t('stations:series_p90'), t('stations:series_max'), String(clim.year)],
    days.map((d) => [calendarDay(d.month, d.day), fmt(d.min), fmt(d.p10), fmt(d.p90), fmt(d.max), fmt(d.value)])),
  sourceLine(clim.source));

  // The all-time records, one per extreme, with ties.
  const rsec = h('section', {'aria-labelledby': 'recs-h'}, h('h2', {id: 'recs-h'}, t('stations:recordsTitle')));
  main.append(rsec);
  if (!recs || !recs.records.length) {
    rsec.append(h('p', {}, t('stations:noRecords')));
    return;
  }
  const order = (r) => EXTREMES.indexOf(r.extreme);
  const rows = [...recs.records].sort((a, b) => order(a) - order(b)).map((r) => [
    t(`stations:ext_${r.extreme}`),
    h('span', {'data-value': r.value, 'data-extreme': r.extreme}, quantity(r.value, r.unit)),
    h('time', {datetime: r.date}, day(r.date)),
    r.ties.map(day).join(', '),
    new Intl.NumberFormat(lang()).format(r.years),
  ]);
  rsec.append(table('', [t('stations:col_record'), t('stations:col_value'), t('stations:col_date'), t('stations:col_ties'), t('stations:col_years')],
    rows, {numeric: [1, 4], cls: 'station-records'}), sourceLine(recs.source));
}
