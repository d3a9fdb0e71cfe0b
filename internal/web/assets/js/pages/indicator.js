// An indicator's page. Daily indicators get the "spaghetti" chart (GET
// /api/daily/{id}): every year a faint line against the calendar day, the
// latest and the record year highlighted, the baseline's mean with a band,
// baseline, smoothing and band selectors, then the records of a year.
// Monthly and other indicators get anomaly bars (or the values) with a
// re-basing selector, ranks for the month, and the records of a year.

import {get, sourceNote, chartLinks, titleOf} from '../api.js';
import {h, num, signed, ordinal, ranked, dateText, dayMonth, unitText, unitSuffix, monthName, monthShort, seasonText, seasonName, list} from '../dom.js';
import {t} from '../i18n.js';
import {freqText} from './indicators.js';
import {mount, theme, axis, timeAxis, dataTable, hasUPlot} from '../chart.js';
import {select, errorBox, table} from '../ui.js';
import {renderRecords} from './records.js';

// Baselines offered for daily indicators: Climate Reanalyzer's two SST
// baselines and NSIDC's.
const dailyBaselines = ['1991-2020', '1982-2011', '1981-2010'];

// Baselines offered when re-basing monthly series.
const monthlyBaselines = ['1991-2020', '1981-2010', '1961-1990', '1951-1980', '1901-2000'];

// Calendar slots (the API's calendar convention): the slot of the first
// day of each month; slot 59 is 29 February.
const monthStarts = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];

// apiPath is the path segment of an indicator in API URLs: the id, or
// id@version for a stored version other than the default (the API accepts
// both; the "@" is left readable).
function apiPath(id) {
  return encodeURIComponent(id).replaceAll('%40', '@');
}

export async function render(main, ctx) {
  const arg = ctx.arg;
  if (!arg) {
    location.hash = '#/indicators';
    return;
  }
  // The route names an indicator (its default version) or id@version.
  const at = arg.lastIndexOf('@');
  const id = at > 0 ? arg.slice(0, at) : arg;
  const version = at > 0 ? arg.slice(at + 1) : '';
  const list = await get('/api/indicators');
  const info = version
    ? list.find((r) => r.indicator === id && r.version === version)
    : list.find((r) => r.indicator === id && r.default) || list.find((r) => r.indicator === id);
  if (!info) {
    const stored = list.filter((r) => r.indicator === id).map((r) => r.version);
    main.append(h('h1', {}, arg), errorBox(new Error(t('indicator:notStored', {arg}) +
      (stored.length ? t('indicator:storedVersions', {id, list: list(stored)}) : '') + t('indicator:seeList'))));
    return;
  }
  // ref is what the API calls the series: id@version unless it is the
  // default version.
  const ref = info.default ? id : `${id}@${info.version}`;
  if (info.national) {
    main.append(h('h1', {}, titleOf(id, info.title)),
      h('p', {}, t('indicator:national', {id}),
        h('a', {href: `#/rankings?id=${encodeURIComponent(id)}`}, t('indicator:rankings')), t('indicator:and'),
        h('a', {href: `#/countries?chart=${encodeURIComponent(id)}`}, t('indicator:countries')), t('indicator:pages')));
    return;
  }
  const others = list.filter((r) => r.indicator === id && r.version !== info.version);
  const dflt = (r) => (r.default ? t('indicator:default') : '');
  main.append(h('p', {class: 'crumbs'}, h('a', {href: '#/indicators'}, t('indicator:crumbs')), ' / ', ref),
    h('h1', {}, titleOf(id, capitalise(info.title)), info.default ? '' : t('indicator:versionTitle', {version: info.version})),
    others.length ? h('p', {class: 'versions'}, t('indicator:version', {version: info.version}), dflt(info), t('indicator:others'),
      others.map((r, i) => [i ? t('indicator:rec.comma') : '', h('a', {href: `#/indicator/${r.default ? encodeURIComponent(id) : apiPath(`${id}@${r.version}`)}`},
        `${r.version}${dflt(r)}`), t('indicator:span', {from: r.first, to: r.last})]), '.') : '',
    h('p', {class: 'lede'}, t('indicator:lede', {unit: unitText(info.unit), frequency: freqText(info.frequency), from: info.first, to: info.last}),
      info.producer, '.', info.note ? h('span', {class: 'muted'}, ' ' + info.note) : null));
  if (info.frequency === 'daily') await daily(main, ctx, info, ref);
  else await periodic(main, ctx, info, ref);
}

// slotsText names the same calendar slot in every year, the unit of a rank
// for the date: "Julys" or "MJJ seasons" ("7月", "5月至7月季").
function slotsText(m, seasonal) {
  return seasonal ? t('indicator:slotsSeason', {season: seasonName(m)}) : t('indicator:slotsMonth', {month: monthName(m)});
}

function capitalise(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

// daily renders the spaghetti chart page.
async function daily(main, ctx, info, id) {
  const state = {
    baseline: ctx.params.get('baseline') || '',
    smooth: ctx.params.get('smooth') || 'none',
    band: ctx.params.get('band') || 'p10-p90',
    year: ctx.params.get('year') || '',
  };
  const controls = h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()});
  const chartSlot = h('section', {'aria-labelledby': 'chart-h'});
  const recordsSlot = h('div', {});
  const extremesSlot = h('section', {'aria-labelledby': 'extremes-h'});
  main.append(controls, chartSlot,
    h('section', {'aria-labelledby': 'records-h'}, h('h2', {id: 'records-h'}, t('indicator:recordsOfYear')), recordsSlot));
  if (id.startsWith('seaice.')) main.append(extremesSlot);

  let data = null;
  const drawChart = async () => {
    chartSlot.replaceChildren(h('h2', {id: 'chart-h'}, t('indicator:everyYear')), h('p', {class: 'loading'}, t('common:loading')));
    try {
      data = await get(`/api/daily/${apiPath(id)}`, {
        baseline: state.baseline, smooth: state.smooth === 'none' ? '' : state.smooth,
      });
    } catch (e) {
      chartSlot.replaceChildren(h('h2', {id: 'chart-h'}, t('indicator:everyYear')), errorBox(e, t('indicator:chartError')));
      return;
    }
    if (ctx.stale()) return;
    chartSlot.replaceChildren(h('h2', {id: 'chart-h'}, t('indicator:everyYear')));
    spaghetti(chartSlot, data, state, id);
  };
  const drawRecords = async () => {
    if (!data) return;
    const latestYear = +data.latest.date.slice(0, 4);
    const year = +state.year || latestYear;
    await renderRecords(recordsSlot, {
      id, year, kind: data.record_kind, smooth: state.smooth, unit: data.unit, frequency: 'daily',
    });
  };
  const update = async (k, v) => {
    state[k] = v;
    ctx.setParams({[k]: v});
    if (k === 'year') await drawRecords();
    else {
      await drawChart();
      await drawRecords();
    }
  };
  await drawChart();
  if (!data) return;
  const years = data.years.map((y) => y.year).reverse();
  controls.append(
    select(t('indicator:baseline'), 'baseline', dailyBaselines.map((b) => [b, b + (b === data.baseline && !state.baseline ? t('indicator:default') : '')]),
      state.baseline || data.baseline, (v) => update('baseline', v)),
    select(t('indicator:smoothing'), 'smooth', [['none', t('indicator:smoothNone')], ['5d', t('indicator:smooth5d')]], state.smooth, (v) => update('smooth', v)),
    select(t('indicator:band'), 'band', [['p10-p90', t('indicator:bandPct')], ['2sd', t('indicator:band2sd')]], state.band, (v) => {
      state.band = v;
      ctx.setParams({band: v});
      drawChart();
    }),
    select(t('indicator:recordsOf'), 'year', years.map((y) => [y, String(y)]), state.year || years[0], (v) => update('year', v)));
  await drawRecords();
  if (id.startsWith('seaice.')) await annualExtremes(extremesSlot, id, data.unit);
}

// spaghetti draws the day-of-year chart of a /api/daily answer.
function spaghetti(slot, d, state, id) {
  const colors = theme();
  const u = unitSuffix(d.unit);
  const latestYear = +d.latest.date.slice(0, 4);
  const recordYear = d.record_year;
  const rec = d.record_kind === 'min' ? d.records.min : d.records.max;
  const band = state.band === '2sd'
    ? {hi: d.climatology.upper_2sd, lo: d.climatology.lower_2sd, name: t('indicator:band2sdShort')}
    : {hi: d.climatology.p90, lo: d.climatology.p10, name: t('indicator:bandPct')};
  const x = d.labels.map((_, i) => i);
  const others = d.years.filter((y) => y.year !== latestYear && y.year !== recordYear);
  const byYear = new Map(d.years.map((y) => [y.year, y]));
  const smoothText = d.smoothing && d.smoothing !== 'none' ? t('indicator:runningMean', {smoothing: d.smoothing}) : t('indicator:dailyValues');
  const hl = d.record_kind === 'min' ? t('indicator:low') : t('indicator:high');
  // Series order decides drawing order: band, faint years, mean, record
  // year, latest year on top.
  const series = [{label: t('indicator:day')},
    {label: t('indicator:upper', {band: band.name}), stroke: 'transparent', width: 0, points: {show: false}},
    {label: t('indicator:lower', {band: band.name}), stroke: 'transparent', width: 0, points: {show: false}}];
  const data = [x, band.hi, band.lo];
  for (const y of others) {
    series.push({label: String(y.year), stroke: colors.year, width: 1, points: {show: false}});
    data.push(bridgeSingleDays(y));
  }
  series.push({label: t('indicator:mean', {baseline: d.baseline}), stroke: colors.mean, width: 1.5, dash: [6, 4], points: {show: false}});
  data.push(d.climatology.mean);
  const recIdx = series.length;
  if (recordYear !== latestYear && byYear.has(recordYear)) {
    series.push({label: t('indicator:recordYear', {year: recordYear}), stroke: colors.record, width: 2.25, points: {show: false}});
    data.push(bridgeSingleDays(byYear.get(recordYear)));
  }
  series.push({label: t('indicator:latestYear', {year: latestYear}), stroke: colors.current, width: 3, points: {show: false}});
  data.push(bridgeSingleDays(byYear.get(latestYear)));
  const curIdx = series.length - 1;
  const yearIdx = new Map();
  series.forEach((s, i) => {
    const m = /^(\d{4})/.exec(s.label);
    if (m) yearIdx.set(+m[1], i);
  });

  const low = d.record_kind === 'min';
  const legend = h('ul', {class: 'legend', 'aria-label': t('common:chart.legend')},
    h('li', {}, h('span', {class: 'swatch', style: `background:${colors.current}`}), t('indicator:legendLatest', {year: latestYear, value: num(d.latest.value) + u, date: dateText(d.latest.date)})),
    recordYear !== latestYear ? h('li', {}, h('span', {class: 'swatch', style: `background:${colors.record}`}),
      t(low ? 'indicator:legendRecordLow' : 'indicator:legendRecordHigh', {year: recordYear, value: num(rec.value) + u, date: dateText(rec.date)}))
      : h('li', {}, t(low ? 'indicator:holdsLow' : 'indicator:holdsHigh', {value: num(rec.value) + u, date: dateText(rec.date)})),
    h('li', {}, h('span', {class: 'swatch dashed', style: `border-color:${colors.mean}`}), t('indicator:mean', {baseline: d.baseline})),
    h('li', {}, h('span', {class: 'swatch', style: `background:${colors.band}`}), t('indicator:bandOver', {band: band.name, baseline: d.baseline})),
    h('li', {}, h('span', {class: 'swatch thin', style: `background:${colors.year}`}), t('indicator:otherYears', {from: d.years[0].year, to: d.years[d.years.length - 1].year})));
  slot.append(legend);

  const nearestYear = (idx, yv) => {
    let best = null;
    let bestD = Infinity;
    for (const y of d.years) {
      const v = y.values[idx];
      if (v === null || yv === null) continue;
      const dd = Math.abs(v - yv);
      if (dd < bestD) {
        bestD = dd;
        best = y;
      }
    }
    return best;
  };
  const label = t('indicator:spaghettiLabel', {title: titleOf(id, d.title), from: d.years[0].year, latest: latestYear, smooth: smoothText,
    record: recordYear, baseline: d.baseline, band: band.name, value: num(d.latest.value) + u, date: dateText(d.latest.date),
    hl, recordValue: num(rec.value) + u, recordDate: dateText(rec.date)});

  mount(slot, {
    name: 'spaghetti',
    label,
    height: 420,
    data,
    opts: {
      scales: {x: {time: false, range: [0, 365]}},
      legend: {show: false},
      cursor: {points: {show: false}, drag: {x: false, y: false}},
      series,
      bands: [{series: [1, 2], fill: colors.band}],
      axes: [
        axis(colors, {splits: () => monthStarts, values: (_, splits) => splits.map((s) => (monthStarts.includes(s) ? monthShort(monthStarts.indexOf(s) + 1) : ''))}),
        axis(colors, {label: unitText(d.unit), size: 60, values: (_, splits) => splits.map((v) => num(v, 2))}),
      ],
    },
    keyTop: (pl, idx) => {
      const v = data[curIdx][idx] ?? d.climatology.mean[idx];
      return v === null ? pl.bbox.height / devicePixelRatio / 2 : pl.valToPos(v, 'y');
    },
    readout: (pl, idx, yv) => {
      const day = dayMonth(d.labels[idx]);
      const parts = [h('strong', {}, day), ': '];
      const cur = byYear.get(latestYear).values[idx];
      parts.push(h('span', {class: 'k-current'}, `${latestYear} ${cur === null ? t('common:chart.noValue') : num(cur) + u}`));
      if (recordYear !== latestYear) {
        const rv = byYear.get(recordYear).values[idx];
        parts.push(' · ', h('span', {class: 'k-record'}, `${recordYear} ${rv === null ? t('common:chart.noValue') : num(rv) + u}`));
      }
      const m = d.climatology.mean[idx];
      parts.push(' · ', `${t('indicator:meanLower', {baseline: d.baseline})} ${m === null ? '–' : num(m) + u}`,
        ` (${band.name} ${band.lo[idx] === null ? '–' : num(band.lo[idx])}–${band.hi[idx] === null ? '–' : num(band.hi[idx])})`);
      const near = nearestYear(idx, yv);
      if (near && near.year !== latestYear && near.year !== recordYear) {
        parts.push(t('indicator:nearest'), h('span', {class: 'k-near'}, `${near.year} ${num(near.values[idx])}${u}`));
      }
      // The nearest year's line is drawn bolder while the pointer is near it.
      const ni = near ? yearIdx.get(near.year) : null;
      if (pl._hl !== ni) {
        if (pl._hl && pl._hl !== recIdx && pl._hl !== curIdx) pl.series[pl._hl].width = 1;
        pl._hl = ni;
        if (ni && ni !== recIdx && ni !== curIdx) {
          pl.series[ni].width = 2.5;
        }
        pl.redraw(false, false);
      }
      return parts;
    },
    caption: [t('indicator:spaghettiCaption', {smooth: capitalise(smoothText), baseline: d.baseline}),
      chartLinks(id, {kind: 'spaghetti', baseline: d.baseline, smooth: d.smoothing === 'none' ? '' : d.smoothing}),
      sourceNote(d.source)],
  });
  // The text alternative: the latest and record years on the first of each
  // month, with the mean and the band.
  const rows = monthStarts.map((s, i) => {
    const cur = byYear.get(latestYear).values[s];
    const rv = byYear.get(recordYear)?.values[s];
    return [dayMonth(`${i + 1}-1`), num(cur), num(rv), num(d.climatology.mean[s]), `${num(band.lo[s])}–${num(band.hi[s])}`];
  });
  slot.append(dataTable(t('indicator:tableFirstDays'),
    [t('indicator:day'), `${latestYear}`, t('indicator:recordYear', {year: recordYear}), t('indicator:mean', {baseline: d.baseline}), band.name], rows,
    t('indicator:tableCaption', {title: titleOf(id, d.title), unit: unitText(d.unit), smooth: smoothText})));
  if (!hasUPlot()) slot.querySelector('details').open = true;
}

// bridgeSingleDays returns the values of a year (a /api/daily year) as drawn:
// a single empty slot between two values is given their mean, so the line
// runs on instead of breaking. That covers 29 February of common years
// (no such day) and the every-other-day era of NSIDC's sea ice before
// August 1987 (NSIDC interpolates those days too). A gap of two days or
// more still breaks the line, and a missing 29 February of a leap year
// counts as a gap only when its neighbours are missing too. The readout
// and the tables use the values as published.
function bridgeSingleDays(y) {
  const v = y.values;
  let out = null;
  for (let i = 1; i + 1 < v.length; i++) {
    if (v[i] === null && v[i - 1] !== null && v[i + 1] !== null) {
      out = out || v.slice();
      out[i] = (v[i - 1] + v[i + 1]) / 2;
    }
  }
  return out || v;
}

// periodic renders the page of a monthly, weekly, annual or irregular
// indicator: the anomalies as bars (or the values as a line), ranks, and
// the records of a year.
async function periodic(main, ctx, info, id) {
  const monthly = info.frequency === 'monthly';
  const seasonal = !!info.seasonal;
  // A three-month season is named by its season: the ONI value dated June
  // 2026 is "MJJ 2026".
  const period = (date) => (seasonal ? seasonText(date) : dateText(date));
  const annual = info.frequency === 'annual';
  const canRebase = monthly || annual;
  const published = info.baseline || '';
  const state = {
    basis: ctx.params.get('basis') || (published ? 'published' : 'values'),
    span: ctx.params.get('span') || (annual ? 'all' : '30'),
    year: ctx.params.get('year') || '',
  };
  const controls = h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()});
  const chartSlot = h('section', {'aria-labelledby': 'chart-h'});
  const latestSlot = h('div', {});
  const recordsSlot = h('div', {});
  main.append(latestSlot, controls, chartSlot);
  const annualSlot = h('section', {'aria-labelledby': 'annual-h'});
  if (monthly || annual) {
    main.append(annualSlot, h('section', {'aria-labelledby': 'records-h'}, h('h2', {id: 'records-h'}, t('indicator:recordsOfYear')), recordsSlot));
  }
  const series = await get(`/api/series/${apiPath(id)}`);
  if (ctx.stale()) return;
  const pts = series.points;
  if (!pts.length) {
    chartSlot.append(h('p', {}, t('indicator:noValues')));
    return;
  }
  const latest = pts[pts.length - 1];
  // "on 16 August 2026" for a day, "in July 2026" or "in 2025" for a month
  // or a year.
  const when = t(latest.date.length === 10 ? 'indicator:whenDay' : 'indicator:whenPeriod', {date: seasonal ? seasonText(latest.date) : dateText(latest.date)});
  const latestText = h('strong', {}, num(latest.value) + unitSuffix(series.unit));
  // A rank for the date means the same calendar month, or the year, in
  // every year. Weekly and irregular values fall on different days every
  // year, so they are ranked among all values instead (from the series
  // itself; the records engine refuses a date rank for them) and
  // /api/records is not asked. The direction is the indicator's own
  // ("records" in /api/indicators: high or low).
  const rankedForDate = monthly || annual;
  if (rankedForDate) {
    get(`/api/records/${apiPath(id)}`, {on: latest.date}).then((r) => {
      const word = r.kind === 'min' ? 'lowest' : 'highest';
      const m = +latest.date.slice(5, 7);
      const slotName = monthly ? slotsText(m, seasonal) : t('indicator:slotsYears');
      const prevYear = r.previous_for_date ? r.previous_for_date.date.slice(0, 4) : '';
      const verdict = verdictText(r.comparison, prevYear, series.unit);
      latestSlot.append(h('p', {class: 'latest'}, t('indicator:latest'), latestText,
        t('indicator:latestRank', {when, rank: ranked(r.rank_for_date, word, r.tie), n: r.years_for_date, slots: slotName}),
        r.record_for_date ? h('strong', {class: 'record'}, t('indicator:aRecord')) : '',
        verdict ? h('span', {class: 'verdict'}, verdict) : '',
        r.tie && !verdict ? h('strong', {}, t('indicator:equalRecord')) : '',
        r.previous_for_date ? t(r.record_for_date ? 'indicator:previousRecord' : 'indicator:recordWas', {value: num(r.previous_for_date.value), year: prevYear}) : '',
        r.record_all_time ? t(word === 'lowest' ? 'indicator:onRecordLowest' : 'indicator:onRecordHighest') : '', t('indicator:rec.end')));
    }).catch(() => {});
  } else {
    const low = info.records === 'low';
    // The server ranks (GET /api/ranks, the records engine's tie rule).
    const rk = await get(`/api/ranks/${apiPath(id)}`, {kind: low ? 'min' : 'max'});
    if (ctx.stale()) return;
    const all = rk.ranks[rk.ranks.length - 1];
    const word = low ? 'lowest' : 'highest';
    latestSlot.append(h('p', {class: 'latest'}, t('indicator:latest'), latestText, t('indicator:whenLead', {when}),
      all ? t('indicator:allRank', {rank: ranked(all.rank, word, all.tie), n: all.of, what: t(info.frequency === 'weekly' ? 'indicator:weeklyValues' : 'indicator:values'), date: dateText(pts[0].date)}) : '',
      all && all.rank === 1 && !all.tie ? h('strong', {class: 'record'}, t('indicator:aRecord')) : '', t('indicator:rec.end')));
  }

  const basisOptions = [];
  if (published) basisOptions.push(['published', t('indicator:publishedAnomaly', {baseline: published})]);
  else basisOptions.push(['values', t('indicator:valuesAsPublished')]);
  if (canRebase) {
    for (const b of monthlyBaselines) {
      if (b !== published) basisOptions.push([b, t('indicator:anomalyVs', {baseline: b}) + (published ? t('indicator:rebased') : '')]);
    }
  }
  const spans = [['10', t('indicator:last10')], ['30', t('indicator:last30')], ['50', t('indicator:last50')], ['all', t('indicator:whole')]];
  const years = [...new Set(pts.map((p) => +p.date.slice(0, 4)))].reverse();
  controls.append(
    select(published ? t('indicator:anomalyBaseline') : t('indicator:show'), 'basis', basisOptions, state.basis, (v) => {
      state.basis = v;
      ctx.setParams({basis: v});
      draw();
    }),
    select(t('indicator:period'), 'span', spans, state.span, (v) => {
      state.span = v;
      ctx.setParams({span: v});
      draw();
    }));
  if (monthly || annual) {
    controls.append(select(t('indicator:recordsOf'), 'year', years.map((y) => [y, String(y)]), state.year || years[0], (v) => {
      state.year = v;
      ctx.setParams({year: v});
      drawRecords();
    }));
  }
  const kindP = rankedForDate
    ? get(`/api/records/${apiPath(id)}`, {on: latest.date}).then((r) => r.kind).catch(() => 'max')
    : Promise.resolve('max');

  const draw = async () => {
    const chartTitle = monthly ? t('indicator:monthByMonth') : t('indicator:valuesTitle');
    chartSlot.replaceChildren(h('h2', {id: 'chart-h'}, chartTitle), h('p', {class: 'loading'}, t('common:loading')));
    // Anomalies: published, or computed by the server (GET /api/anomalies):
    // against a baseline's mean for the same calendar month or, for annual
    // series, the mean of the baseline's years. The page computes none.
    let anomaly = null;
    let basisText = published ? t('indicator:basisPublished', {baseline: published}) : t('indicator:basisValues');
    let bars = !!published;
    if (state.basis !== 'published' && state.basis !== 'values') {
      bars = true;
      try {
        const an = await get(`/api/anomalies/${apiPath(id)}`, {baseline: state.basis});
        anomaly = new Map(an.points.map((p) => [p.date, p.value]));
        basisText = t('indicator:basisRebased', {baseline: state.basis}) + (monthly ? t('indicator:sameMonth') : '') +
          (published ? t('indicator:rebasedFrom', {published}) : '');
      } catch (e) {
        chartSlot.replaceChildren(h('h2', {id: 'chart-h'}, t('indicator:valuesTitle')), errorBox(e, t('indicator:rebasing', {baseline: state.basis})));
        return;
      }
    }
    if (ctx.stale()) return;
    const kind = await kindP;
    const rk = await get(`/api/ranks/${apiPath(id)}`, {kind});
    if (ctx.stale()) return;
    const lastYear = +latest.date.slice(0, 4);
    const from = state.span === 'all' ? -Infinity : lastYear - +state.span + 1;
    const shown = pts.filter((p) => +p.date.slice(0, 4) >= from && (!anomaly || anomaly.has(p.date)));
    const ranks = new Map(rk.ranks.map((r) => [r.date, r]));
    const xs = shown.map((p) => toTime(p.date));
    const vals = shown.map((p) => (anomaly ? anomaly.get(p.date) : p.value));
    const colors = theme();
    const u = unitSuffix(series.unit);
    chartSlot.replaceChildren(h('h2', {id: 'chart-h'}, chartTitle));
    const opts = {
      scales: {x: {time: true}},
      legend: {show: false},
      cursor: {drag: {x: false, y: false}},
      axes: [axis(colors, timeAxis()), axis(colors, {label: unitText(series.unit) + (bars ? t('indicator:anomalyAxis') : ''), size: 64, values: (_, s) => s.map((v) => num(v, 2))})],
    };
    let data;
    if (bars) {
      // Bars grow from zero, so zero must be inside the y range: a range
      // fitted to the data alone would start near the smallest anomaly and
      // exaggerate the differences between bars.
      opts.scales.y = {range: (pl, min, max) => zeroRange(min, max)};
      const barPaths = window.uPlot ? window.uPlot.paths.bars({size: [0.8, 40], gap: 0}) : undefined;
      opts.series = [{label: t('indicator:date')},
        {label: t('indicator:above'), fill: colors.pos, stroke: colors.pos, paths: barPaths, points: {show: false}, fillTo: 0},
        {label: t('indicator:below'), fill: colors.neg, stroke: colors.neg, paths: barPaths, points: {show: false}, fillTo: 0}];
      data = [xs, vals.map((v) => (v >= 0 ? v : null)), vals.map((v) => (v < 0 ? v : null))];
    } else {
      opts.series = [{label: t('indicator:date')}, {label: titleOf(info.indicator, info.title), stroke: colors.current, width: 1.5, points: {show: false}}];
      data = [xs, vals];
    }
    const byTime = new Map(shown.map((p, i) => [xs[i], p]));
    const word = kind === 'min' ? 'lowest' : 'highest';
    mount(chartSlot, {
      name: 'periodic',
      label: t('indicator:periodicLabel', {title: titleOf(info.indicator, info.title), basis: basisText, from: dateText(shown[0].date), to: dateText(latest.date)}) +
        (bars ? t('indicator:asBars') : '') + t('indicator:periodicLatest', {value: num(vals[vals.length - 1]) + u, when}),
      height: 380,
      data,
      opts,
      keyTop: (pl, idx) => pl.valToPos(vals[idx], 'y'),
      readout: (pl, idx) => {
        const p = byTime.get(xs[idx]);
        const r = ranks.get(p.date);
        return [h('strong', {}, period(p.date)), ': ', num(vals[idx]) + u,
          bars && state.basis !== 'published' && state.basis !== 'values' ? t('indicator:valueWas', {value: num(p.value) + u}) : '',
          r ? t('indicator:readoutRank', {rank: ranked(r.rank, word, r.tie), n: r.of,
            slots: monthly ? slotsText(+p.date.slice(5, 7), seasonal) : annual ? t('indicator:slotsYears') : t('indicator:slotsValues')}) : ''];
      },
      caption: [`${capitalise(basisText)}. `,
        chartLinks(id, {from: shown[0].date}),
        sourceNote(series.source)],
    });
    // Ranks of the latest values, visible under the chart.
    const recent = shown.slice(-(monthly ? 24 : 20)).reverse();
    chartSlot.append(h('h3', {}, monthly ? (seasonal ? t('indicator:last24Seasons') : t('indicator:last24Months')) : t('indicator:latestValues')),
      table(t('indicator:rankCaption', {title: titleOf(info.indicator, info.title), basis: basisText,
        what: monthly ? (seasonal ? t('indicator:threeMonth') : t('indicator:calendarMonth')) : t('indicator:slotsValues'), word: t(`common:rank.${word}`)}),
        [monthly ? (seasonal ? t('indicator:season') : t('indicator:month')) : t('indicator:periodCol'), t('indicator:value'),
          bars ? t('indicator:anomalyCol', {unit: unitText(series.unit)}) : t(monthly ? 'indicator:changeMonth' : 'indicator:changeValue'), t('indicator:rank')],
        recent.map((p) => {
          const r = ranks.get(p.date);
          const i = pts.indexOf(p);
          return [period(p.date), num(p.value) + u,
            bars ? signed(anomaly ? anomaly.get(p.date) : p.value, 2) : (i > 0 ? signed(p.value - pts[i - 1].value, 2) : '–'),
            r ? t('indicator:rankCell', {ord: ordinal(r.rank), n: r.of}) + (r.tie ? t('indicator:tie') : '') +
              (r.rank === 1 && !r.tie ? t(word === 'lowest' ? 'indicator:lowestOnRecord' : 'indicator:highestOnRecord') : '') : '–'];
        }), {numeric: [1, 2, 3]}));
  };
  const drawRecords = async () => {
    if (!(monthly || annual)) return;
    const year = +state.year || years[0];
    await renderRecords(recordsSlot, {id, year, kind: await kindP, unit: series.unit, frequency: info.frequency, seasonal});
  };
  await draw();
  if ((monthly || annual) && !seasonal) await annualRanking(annualSlot, id, await kindP, series.unit, 10);
  await drawRecords();
}

// zeroRange is the y range of a bar chart: the data's range widened to
// include zero, with a 5% margin on the sides that hold data.
function zeroRange(min, max) {
  const lo = Math.min(0, min ?? 0);
  const hi = Math.max(0, max ?? 0);
  const pad = (hi - lo || 1) * 0.05;
  return [lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0];
}

// toTime converts YYYY, YYYY-MM or YYYY-MM-DD to Unix seconds at the middle
// of the period (UTC), the x value of time charts.
function toTime(date) {
  const p = date.split('-').map(Number);
  if (p.length === 1) return Date.UTC(p[0], 6, 1) / 1000;
  if (p.length === 2) return Date.UTC(p[0], p[1] - 1, 15) / 1000;
  return Date.UTC(p[0], p[1] - 1, p[2], 12) / 1000;
}

// verdictText words the comparison of a records answer (GET /api/records):
// "" for a plain record, the tie at the published precision, or a record
// not statistically distinguishable from the one it beat, with both 95%
// intervals (docs/records.md).
export function verdictText(c, prevLabel, unit) {
  if (!c) return '';
  const d = decimalsOf(c.resolution);
  const f = (v) => (d >= 0 ? Number(v).toFixed(d) : num(v));
  if (c.verdict === 'tie_at_precision') {
    return t('indicator:tiePrecision', {a: f(c.value), b: f(c.previous), unit: unitSuffix(unit)});
  }
  if (c.verdict === 'record_not_distinguishable') {
    const iv = c.uncertainty95 != null && c.previous_uncertainty95 != null
      ? t('indicator:interval', {a: f(c.value), ua: f(c.uncertainty95), b: f(c.previous), ub: f(c.previous_uncertainty95), unit: unitSuffix(unit)}) : '';
    return t('indicator:notDistinguishable', {prev: prevLabel, interval: iv});
  }
  return '';
}

// decimalsOf is the number of decimals of a power-of-ten resolution
// (0.001 → 3), or -1 when there is none.
function decimalsOf(res) {
  if (!res || res <= 0) return -1;
  const l = Math.log10(res);
  if (Math.abs(l - Math.round(l)) > 1e-9) return -1;
  return Math.max(0, -Math.round(l));
}

// annualBasis names where the annual values come from (the API's basis,
// internal/analysis.AnnualBasis) in the page's language; an unknown basis
// is shown as the API writes it.
function annualBasis(basis) {
  const key = {'published annual value': 'published', 'mean of complete years': 'mean'}[basis];
  return key ? t(`indicator:annualBasis.${key}`) : basis;
}

// placeText words the API's place of a year ("2nd highest", "lowest",
// internal/analysis.Ordinal) in the page's language; any other wording is
// shown as the API writes it.
function placeText(label) {
  const m = /^(?:(\d+)(?:st|nd|rd|th) )?(highest|lowest)$/.exec(label || '');
  return m ? ranked(m[1] ? +m[1] : 1, m[2]) : label;
}

// naturalPlace words a place from the nearer end of a ranking, given the
// competition ranks from the highest and from the lowest: the high side
// when both are equal (the rule of internal/analysis.NaturalOrdinal).
function naturalPlace(rankHigh, rankLow) {
  return rankLow < rankHigh ? ranked(rankLow, 'lowest') : ranked(rankHigh, 'highest');
}

// annualRanking renders every year's annual value in rank order (GET
// /api/annual): the warmest years table of the global temperature pages,
// with the producer's published annual value where there is one, the years
// tied at the published precision and those that cannot be separated
// within the published uncertainty.
async function annualRanking(slot, id, kind, unit, top) {
  let a;
  try {
    a = await get(`/api/annual/${apiPath(id)}`, {kind, top: String(top)});
  } catch (e) {
    slot.replaceChildren(errorBox(e, t('indicator:annualError')));
    return;
  }
  const warm = unit === 'degC' && kind === 'max';
  const title = warm ? t('indicator:warmest') : kind === 'min' ? t('indicator:lowestYears') : t('indicator:highestYears');
  const u = unitSuffix(unit);
  const hasU = a.years.some((y) => y.uncertainty95 != null);
  const head = [t('indicator:rank'), t('indicator:year'), t('indicator:annualValue'), t('indicator:place'), t('indicator:tiedPrecision')];
  if (hasU) head.push(t('indicator:cannotSeparate'));
  slot.replaceChildren(h('h2', {id: 'annual-h'}, title),
    table(t('indicator:annualCaption', {title, basis: annualBasis(a.basis), resolution: a.resolution || t('indicator:exact')}) +
      (a.incomplete_excluded.length ? t('indicator:incomplete', {years: a.incomplete_excluded.join(', ')}) : ''), head,
      a.years.map((y) => {
        const row = [String(y.rank), String(y.year), y.text + u + (y.uncertainty95 != null ? ` ± ${Number(y.uncertainty95).toFixed(decimalsOf(a.resolution))}` : ''),
          t('indicator:placeOf', {label: placeText(y.label), n: a.of}), y.tied_at_precision.length ? y.tied_at_precision.join(', ') : '–'];
        if (hasU) row.push(y.indistinguishable && y.indistinguishable.length ? y.indistinguishable.join(', ') : '–');
        return row;
      }), {numeric: [0, 2], cls: 'annual-ranking'}),
    sourceNote(a.source));
}

// annualExtremes renders every complete year's maximum or minimum in rank
// order (GET /api/extremes?annual_ranking=true), worded from the nearer end
// of the ranking ("lowest of 46"), NSIDC's 5-day means for sea ice.
async function annualExtremes(slot, id, unit) {
  const parts = [h('h2', {id: 'extremes-h'}, t('indicator:extremes'))];
  for (const kind of ['max', 'min']) {
    let r;
    try {
      r = await get(`/api/extremes/${apiPath(id)}`, {annual_ranking: 'true', kind, smooth: '5d'});
    } catch (e) {
      parts.push(errorBox(e, t(kind === 'max' ? 'indicator:maximaError' : 'indicator:minimaError')));
      continue;
    }
    const max = kind === 'max';
    const d = decimalsOf(r.resolution);
    parts.push(h('h3', {}, t(max ? 'indicator:annualMax' : 'indicator:annualMin', {order: ['highest first', 'lowest first'].includes(r.order) ? t(`indicator:order.${r.order.split(' ')[0]}`) : r.order})),
      table(t(max ? 'indicator:extremesMax' : 'indicator:extremesMin', {n: r.of, partial: r.incomplete_excluded.join(', ') || t('indicator:none')}),
        [t('indicator:year'), t('indicator:date'), t('indicator:extent', {unit: unitText(unit)}), t('indicator:place')],
        r.years.map((y) => [String(y.year), dateText(y.date), d >= 0 ? Number(y.value).toFixed(d) : num(y.value), t('indicator:placeOf', {label: naturalPlace(y.rank_high, y.rank_low), n: r.of})]),
        {numeric: [2], cls: `annual-extremes annual-${kind}`}));
  }
  slot.replaceChildren(...parts);
}
