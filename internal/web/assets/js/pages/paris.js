// Paris and COP28: how far above pre-industrial (1850-1900) the world is
// (GET /api/warming: latest day, month, year and long-term level of each
// dataset, their spread, the days at or above 1.5 and 2.0 °C, the remaining
// carbon budget) and whether it is on track for the goals of the first
// Global Stocktake (GET /api/goals: required path and actual values).
// Every number is the API's; the page only formats and draws them.

import {get, sourceNote} from '../api.js';
import {h, fixed, num, pct, dateText, ordinal, quantity, unitText, countryName} from '../dom.js';
import {t} from '../i18n.js';
import {mount, theme, axis, timeAxis, dataTable} from '../chart.js';
import {select, errorBox, table} from '../ui.js';

export async function render(main, ctx) {
  main.append(h('h1', {}, t('paris:title')),
    h('p', {class: 'lede'}, t('paris:lede')));
  const year = ctx.params.get('year') || '';
  const warmSlot = h('div', {});
  const goalsSlot = h('section', {'aria-labelledby': 'goals-h'}, h('h2', {id: 'goals-h'}, t('paris:goals')), h('p', {class: 'loading'}, t('common:loading')));
  main.append(warmSlot, goalsSlot);
  await Promise.all([warmingPart(warmSlot, ctx, year), goalsPart(goalsSlot, ctx)]);
}

const c = (v) => `${fixed(v, 2)} °C`;

async function warmingPart(slot, ctx, year) {
  let w;
  try {
    w = await get('/api/warming', year ? {year} : {});
  } catch (e) {
    slot.append(errorBox(e, t('paris:warming')));
    return;
  }
  if (ctx.stale()) return;
  const era = w.datasets.find((d) => d.key === 'era5');
  slot.append(thermometer(w), levelsTable(w));
  if (era) slot.append(await dailyChart(ctx, w, era), daysByYear(era));
  slot.append(thresholdsTable(w), budgetTable(w));
}

// thermometer draws the multi-dataset long-term level on a scale from 0 to
// 2.2 °C, with the members' values, the interval and the 1.5 and 2.0 °C
// marks.
function thermometer(w) {
  const sec = h('section', {'aria-labelledby': 'thermo-h', class: 'thermo'}, h('h2', {id: 'thermo-h'}, t('paris:thermo')));
  const e = w.long_term_level;
  if (!e) {
    sec.append(h('p', {}, t('paris:noLevel')));
    return sec;
  }
  const colors = theme();
  const W = 760; const H = 120; const pad = 30; const max = 2.2;
  const x = (v) => pad + (W - 2 * pad) * Math.max(0, Math.min(max, v)) / max;
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const svg = el('svg', {viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', class: 'thermometer',
    'aria-label': t('paris:thermoLabel', {year: e.year, mean: c(e.mean), n: e.members.length, spread: fixed(e.spread, 2)})});
  svg.append(el('rect', {x: pad, y: 50, width: W - 2 * pad, height: 16, rx: 8, fill: colors.grid}));
  svg.append(el('rect', {x: pad, y: 50, width: x(e.mean) - pad, height: 16, rx: 8, fill: colors.record}));
  svg.append(el('rect', {x: x(e.low), y: 44, width: Math.max(1, x(e.high) - x(e.low)), height: 28, fill: 'none', stroke: colors.fg, 'stroke-dasharray': '3 2'}));
  for (const th of [0, 0.5, 1.0, 1.5, 2.0]) {
    svg.append(el('line', {x1: x(th), x2: x(th), y1: 40, y2: 76, stroke: th >= 1.5 ? colors.record : colors.muted, 'stroke-width': th >= 1.5 ? 2 : 1}));
    svg.append(el('text', {x: x(th), y: 92, 'text-anchor': 'middle', fill: colors.fg, 'font-size': 12}, `${fixed(th, 1)} °C`));
  }
  // Members lie within a few hundredths of a degree of each other: their
  // names are listed under the chart, each dot has its own title.
  for (const m of e.members) {
    const dot = el('circle', {cx: x(m.value), cy: 58, r: 5, fill: colors.bg, stroke: colors.fg, 'stroke-width': 2, 'data-dataset': m.dataset});
    dot.append(el('title', {}, `${m.dataset}: ${fixed(m.value, 2)} °C`));
    svg.append(dot);
  }
  svg.append(el('text', {x: x(e.mean), y: 30, 'text-anchor': 'middle', fill: colors.fg, 'font-size': 13, 'font-weight': 'bold'}, `${fixed(e.mean, 2)} °C`));
  sec.append(
    h('p', {class: 'big-number', 'data-value': 'long-term-mean'},
      h('strong', {}, c(e.mean)), t('paris:big', {year: e.year, n: e.members.length, spread: fixed(e.spread, 2),
        min: c(e.min), max: c(e.max), low: c(e.low), high: c(e.high)})),
    h('figure', {class: 'chart'}, svg,
      h('figcaption', {}, t('paris:thermoCaption'))));
  for (const m of e.members) {
    const d = w.datasets.find((x) => x.dataset === m.dataset);
    if (d) sec.append(sourceNote(d.source, `${m.dataset}: ${c(m.value)}`));
  }
  return sec;
}

// levelsTable answers "this day, this month, this year, long-term" per
// dataset, each row with its source.
function levelsTable(w) {
  const rows = w.datasets.map((d) => {
    const lvl = d.long_term_level;
    const reach = d.trend_reaches_1_5;
    return [
      h('span', {}, d.dataset, h('br', {}), h('span', {class: 'small muted'}, d.statement)),
      d.latest_day ? h('span', {'data-cell': 'day'}, t('paris:onDate', {value: c(d.latest_day.value), date: dateText(d.latest_day.date)})) : '–',
      d.latest_month ? `${c(d.latest_month.value)} (${dateText(d.latest_month.date)})` : '–',
      d.latest_year ? `${c(d.latest_year.value)} (${d.latest_year.year})` : '–',
      lvl ? h('span', {'data-cell': 'level'}, `${c(lvl.value)} (${fixed(lvl.low, 2)}–${fixed(lvl.high, 2)})`) : (d.long_term_level_error || '–'),
      !reach ? '–' : reach.already_reached ? t('paris:reached') : reach.never ? t('paris:never') : String(reach.year),
      h('span', {class: 'small'}, sourceNote(d.source)),
    ];
  });
  const sec = h('section', {'aria-labelledby': 'levels-h'}, h('h2', {id: 'levels-h'}, t('paris:levels')),
    table(null, ['dataset', 'day', 'month', 'year', 'level', 'reach', 'source'].map((k) => t(`paris:col.${k}`, {year: w.year})), rows,
      {cls: 'warming-levels'}));
  if (w.year_mean) {
    sec.append(h('p', {'data-value': 'year-mean'}, t('paris:yearMean', {year: w.year_mean.year, mean: c(w.year_mean.mean),
      n: Object.keys(w.year_mean.datasets).length, min: c(w.year_mean.min), max: c(w.year_mean.max)})));
  }
  for (const m of w.missing || []) sec.append(h('p', {class: 'muted'}, t('paris:notIncluded', {what: m})));
  return sec;
}

const find = (d, steps, th) => d.thresholds.find((t) => t.steps === steps && t.threshold === th);

// dailyChart draws the request year's ERA5 days above 1850-1900 with the
// 1.5 and 2.0 °C lines and the counts of days at or above them.
async function dailyChart(ctx, w, era) {
  const sec = h('section', {'aria-labelledby': 'daily-h'}, h('h2', {id: 'daily-h'}, t('paris:daily', {year: w.year})));
  const years = [];
  const lastY = era.latest_day ? Number(era.latest_day.date.slice(0, 4)) : w.year;
  for (let y = lastY; y >= lastY - 30 && y >= 1940; y--) years.push(y);
  if (!years.includes(w.year)) years.unshift(w.year);
  sec.append(h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()},
    select(t('paris:year'), 'year', years.map((y) => [y, String(y)]), w.year, (v) => {
      ctx.setParams({year: v});
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    })));
  const d15 = find(era, 'days', 1.5);
  const d20 = find(era, 'days', 2.0);
  sec.append(h('p', {class: 'counts'},
    h('strong', {'data-value': 'days15'}, String(d15.in_year.above)), t('paris:days15', {present: d15.in_year.present, year: w.year}),
    h('strong', {'data-value': 'days20'}, String(d20.in_year.above)), t('paris:days20'),
    d20.first ? [t('paris:first20'), h('strong', {'data-value': 'first20'}, dateText(d20.first.date)), ` (${c(d20.first.value)}).`] : t('paris:noDay20'),
    d15.longest ? t('paris:longest15', {n: d15.longest.steps, from: dateText(d15.longest.start), to: dateText(d15.longest.end)}) : '',
    era.latest_day && era.latest_day.nth_day_of_year_at_or_above_1_5
      ? t('paris:nth', {date: dateText(era.latest_day.date), ord: ordinal(era.latest_day.nth_day_of_year_at_or_above_1_5)}) : ''));
  const days = era.days || [];
  const colors = theme();
  const xs = days.map((p) => Date.parse(p.date + 'T12:00:00Z') / 1000);
  const vs = days.map((p) => p.value);
  mount(sec, {
    name: 'paris-daily',
    label: t('paris:dailyLabel', {year: w.year, d15: d15.in_year.above, d20: d20.in_year.above}),
    height: 340,
    data: [xs, vs, xs.map(() => 1.5), xs.map(() => 2.0)],
    opts: {
      scales: {x: {time: true}},
      legend: {show: false},
      cursor: {drag: {x: false, y: false}},
      series: [{label: t('paris:date')},
        {label: 'ERA5', stroke: colors.current, width: 2, points: {show: false}},
        {label: '1.5 °C', stroke: colors.record, width: 1.5, dash: [6, 4], points: {show: false}},
        {label: '2.0 °C', stroke: colors.neg, width: 1.5, dash: [2, 3], points: {show: false}}],
      axes: [axis(colors, timeAxis()), axis(colors, {size: 60, values: (_, s) => s.map((v) => `${fixed(v, 1)} °C`)})],
    },
    keyTop: (u, i) => u.valToPos(vs[i], 'y'),
    readout: (u, i) => [h('strong', {}, dateText(days[i].date)), t('paris:aboveAt', {value: c(vs[i])})],
    caption: [h('ul', {class: 'legend'},
      h('li', {}, h('span', {class: 'swatch', style: `background:${colors.current}`}), t('paris:eraDaily')),
      h('li', {}, h('span', {class: 'swatch dashed', style: `border-color:${colors.record}`}), '1.5 °C'),
      h('li', {}, h('span', {class: 'swatch dashed', style: `border-color:${colors.neg}`}), '2.0 °C')),
    sourceNote(era.source, era.statement)],
  });
  sec.append(dataTable(t('common:chart.table'), [t('paris:col.date'), t('paris:col.above')], days.slice().reverse().map((p) => [p.date, fixed(p.value, 3)]),
    t('paris:eraValues', {year: w.year})));
  return sec;
}

// daysByYear lists, for each year with a day at or above 1.5 °C (newest
// first), the ERA5 days at or above 1.5 and 2.0 °C and the sentence of the
// year's latest threshold event (a stored event of GET /api/events, given
// by /api/warming as days_by_year[].latest_event).
function daysByYear(era) {
  const years = (era.days_by_year || []).slice().reverse();
  const rows = years.map((y) => [
    String(y.year),
    h('span', {'data-days15': y.year}, String(y.days_at_or_above_1_5)),
    h('span', {'data-days20': y.year}, String(y.days_at_or_above_2_0)),
    String(y.days_present),
    y.latest_event ? h('span', {'data-latest': y.year}, y.latest_event.sentence) : '–']);
  return h('section', {'aria-labelledby': 'byyear-h'}, h('h2', {id: 'byyear-h'}, t('paris:byYear.title')),
    rows.length ? table(null, [t('paris:byYear.year'), '≥ 1.5 °C', '≥ 2.0 °C', t('paris:byYear.present'), t('paris:byYear.latest')], rows, {numeric: [1, 2, 3], cls: 'days-by-year'})
      : h('p', {}, t('paris:byYear.none')),
    h('p', {class: 'small muted'}, t('paris:byYear.note')));
}

// thresholdsTable lists, per dataset, the days, months, 12-month periods
// and years at or above each threshold.
function thresholdsTable(w) {
  const kind = (steps) => (['days', 'months', 'running12', 'years'].includes(steps) ? t(`paris:kind.${steps}`) : steps);
  const rows = [];
  for (const d of w.datasets) {
    for (const th of d.thresholds) {
      rows.push([`${d.dataset}: ${kind(th.steps)} ≥ ${fixed(th.threshold, 1)} °C`,
        t('paris:ofPresent', {above: th.in_year.above, present: th.in_year.present}), String(th.count),
        th.first ? `${th.first.date} (${c(th.first.value)})` : '–',
        th.longest ? t('paris:runText', {n: th.longest.steps, from: th.longest.start, to: th.longest.end}) : '–',
        h('span', {class: 'small'}, `${d.source.dataset} ${d.source.version}`)]);
    }
  }
  return h('section', {'aria-labelledby': 'thr-h'}, h('h2', {id: 'thr-h'}, t('paris:crossed')),
    table(null, ['steps', 'inYear', 'all', 'first', 'longest', 'source'].map((k) => t(`paris:col.${k}`, {year: w.year})), rows, {numeric: [1, 2], cls: 'thresholds'}),
    h('p', {class: 'small muted'}, t('paris:crossedNote')));
}

function budgetTable(w) {
  const sec = h('section', {'aria-labelledby': 'budget-h'}, h('h2', {id: 'budget-h'}, t('paris:budget')));
  if (!w.budgets.length) return sec;
  sec.append(table(null, ['budget', 'left', 'on', 'years', 'budgetSource'].map((k) => t(`paris:col.${k}`)), w.budgets.map((b) => [
    t('paris:budgetText', {title: b.budget.title, gt: num(b.budget.gtco2), start: b.budget.start_year, pct: b.budget.likelihood_pct, warming: b.budget.warming_c}),
    h('span', {'data-budget': b.budget.id}, fixed(b.remaining_gtco2, 1)), dateText(`${b.as_of_year}-01-01`),
    t('paris:yearsLeft', {years: fixed(b.years_left, 1), rate: fixed(b.latest_gtco2, 1), year: b.latest_year}),
    h('a', {href: b.budget.source.url, rel: 'noopener'}, b.budget.source.publisher)]), {numeric: [1]}),
  h('p', {class: 'small'}, t('paris:counted', {counted: w.budgets[0].counted})),
  sourceNote(w.budgets[0].source));
  return sec;
}

async function goalsPart(slot, ctx) {
  let rep;
  try {
    rep = await get('/api/goals');
  } catch (e) {
    slot.replaceChildren(h('h2', {id: 'goals-h'}, t('paris:goals')), errorBox(e, t('paris:goalsError')));
    return;
  }
  if (ctx.stale()) return;
  slot.replaceChildren(h('h2', {id: 'goals-h'}, t('paris:goals')));
  for (const g of rep.goals) slot.append(goalSection(g));
}

function goalSection(g) {
  const sec = h('article', {class: 'goal', 'data-goal': g.goal.id}, h('h3', {}, g.goal.title),
    h('p', {class: 'small muted'}, t(g.goal.paragraph ? 'paris:paragraph' : 'paris:decisionText', {decision: g.goal.decision, paragraph: g.goal.paragraph, text: g.goal.text})));
  if (g.error) {
    sec.append(h('p', {class: 'error'}, g.error));
    return sec;
  }
  const unit = g.unit;
  const q = (v) => quantity(v, unit).text;
  let status;
  if (g.on_track === true) status = t('paris:onTrack');
  else if (g.on_track === false) status = t('paris:offTrack');
  else status = ['rising', 'falling'].includes(g.direction) ? t(`paris:direction.${g.direction}`) : g.direction;
  const fit = g.trend ? {from: g.trend.fit_first, to: g.trend.fit_last} : {};
  const reach = !g.reach ? '' : g.reach.status === 'met' ? t('paris:met')
    : g.reach.status === 'year' ? t('paris:reachYear', {...fit, year: g.reach.year}) : t('paris:reachNever', fit);
  sec.append(h('p', {'data-value': 'goal-status'}, h('strong', {}, status), `: ${g.latest.year} ${q(g.latest.value)}`,
    g.required_at_latest !== undefined ? t('paris:against', {value: q(g.required_at_latest), gap: `${g.gap_pct >= 0 ? '+' : ''}${fixed(g.gap_pct, 1)}`}) : '.',
    t('paris:baseline', {year: g.baseline.year, value: q(g.baseline.value), note: g.baseline_note}), reach));
  const first = g.required_path.length ? g.required_path[0].year : g.baseline.year;
  const actual = g.actual.filter((v) => v.year >= first - 8);
  const years = [...new Set([...actual.map((v) => v.year), ...g.required_path.map((v) => v.year)])].sort((a, b) => a - b);
  const av = new Map(actual.map((v) => [v.year, v.value]));
  const rv = new Map(g.required_path.map((v) => [v.year, v.value]));
  const da = years.map((y) => av.get(y) ?? null);
  const dr = years.map((y) => rv.get(y) ?? null);
  const colors = theme();
  mount(sec, {
    name: `goal-${g.goal.id}`,
    label: t('paris:goalLabel', {title: g.goal.title, unit: unitText(unit), from: years[0], to: years[years.length - 1], status}),
    height: 260,
    data: [years, da, dr],
    opts: {
      scales: {x: {time: false}},
      legend: {show: false},
      cursor: {drag: {x: false, y: false}},
      series: [{label: t('paris:year')},
        {label: t('paris:actual'), stroke: colors.current, width: 2.5, points: {show: true, size: 5}},
        {label: t('paris:requiredPath'), stroke: colors.mean, width: 2, dash: [8, 4], points: {show: false}}],
      axes: [axis(colors, {incrs: [1, 2, 5, 10, 20], values: (_, s) => s.map((v) => String(v))}), axis(colors, {size: 80, values: (_, s) => s.map((v) => quantity(v, unit).text)})],
    },
    keyTop: (u, i) => u.valToPos(da[i] ?? dr[i] ?? 0, 'y'),
    readout: (u, i) => [h('strong', {}, String(years[i])), t('paris:readout', {actual: da[i] === null ? t('common:chart.noValue') : q(da[i]), required: dr[i] === null ? '–' : q(dr[i])})],
    caption: [h('ul', {class: 'legend'},
      h('li', {}, h('span', {class: 'swatch', style: `background:${colors.current}`}), t('paris:actual')),
      h('li', {}, h('span', {class: 'swatch dashed', style: `border-color:${colors.mean}`}), g.path ? t('paris:requiredKind', {kind: ['linear', 'compound'].includes(g.path.kind) ? t(`paris:pathKind.${g.path.kind}`) : g.path.kind}) : t('paris:noPath'))),
    ...g.sources.map((s) => sourceNote(s.source, s.indicator))],
  });
  sec.append(table(null, ['entity', 'base', 'latest', 'change', 'share'].map((k) => t(`paris:col.${k}`)), g.contributions.map((cn) => [
    countryName(cn.entity, cn.name), cn.error || (cn.base !== undefined ? q(cn.base) : '–'), cn.latest !== undefined ? q(cn.latest) : '–',
    cn.change !== undefined ? q(cn.change) : '–', cn.share_of_world_change_pct !== undefined ? pct(cn.share_of_world_change_pct) : '–',
  ]), {numeric: [1, 2, 3, 4], cls: 'contributions'}));
  sec.append(dataTable(t('common:chart.table'), [t('paris:year'), t('paris:col.actual'), t('paris:col.required')], years.map((y, i) => [String(y), num(da[i]), num(dr[i])]), g.goal.title));
  if (g.goal.caveat) sec.append(h('p', {class: 'small muted'}, t('paris:measure', {coverage: ['direct', 'proxy', 'none'].includes(g.goal.coverage) ? t(`paris:coverage.${g.goal.coverage}`) : g.goal.coverage, caveat: g.goal.caveat})));
  return sec;
}
