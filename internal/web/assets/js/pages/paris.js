// Paris and COP28: how far above pre-industrial (1850-1900) the world is
// (GET /api/warming: latest day, month, year and long-term level of each
// dataset, their spread, the days at or above 1.5 and 2.0 °C, the remaining
// carbon budget) and whether it is on track for the goals of the first
// Global Stocktake (GET /api/goals: required path and actual values).
// Every number is the API's; the page only formats and draws them.

import {get, sourceNote} from '../api.js';
import {h, fixed, num, dateText, ordinal, quantity, unitText} from '../dom.js';
import {mount, theme, axis, dataTable} from '../chart.js';
import {select, errorBox, table} from '../ui.js';

export async function render(main, ctx) {
  main.append(h('h1', {}, 'Paris and COP28'),
    h('p', {class: 'lede'}, 'How far above the 1850–1900 average the world is, by four datasets: the latest day, month and year, and the ' +
      'long-term level the Paris Agreement refers to; the days at or above 1.5 °C and 2 °C; the carbon budget left; and the goals of the ' +
      'first Global Stocktake against the data.'));
  const year = ctx.params.get('year') || '';
  const warmSlot = h('div', {});
  const goalsSlot = h('section', {'aria-labelledby': 'goals-h'}, h('h2', {id: 'goals-h'}, 'Global Stocktake goals'), h('p', {class: 'loading'}, 'Loading…'));
  main.append(warmSlot, goalsSlot);
  await Promise.all([warmingPart(warmSlot, ctx, year), goalsPart(goalsSlot, ctx)]);
}

const c = (v) => `${fixed(v, 2)} °C`;

async function warmingPart(slot, ctx, year) {
  let w;
  try {
    w = await get('/api/warming', year ? {year} : {});
  } catch (e) {
    slot.append(errorBox(e, 'Warming'));
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
  const sec = h('section', {'aria-labelledby': 'thermo-h', class: 'thermo'}, h('h2', {id: 'thermo-h'}, 'Long-term warming level'));
  const e = w.long_term_level;
  if (!e) {
    sec.append(h('p', {}, 'No dataset allows a long-term level for this year.'));
    return sec;
  }
  const t = theme();
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
    'aria-label': `Long-term warming level ${e.year}: ${c(e.mean)} above 1850–1900, the mean of ${e.members.length} datasets (spread ${fixed(e.spread, 2)} °C).`});
  svg.append(el('rect', {x: pad, y: 50, width: W - 2 * pad, height: 16, rx: 8, fill: t.grid}));
  svg.append(el('rect', {x: pad, y: 50, width: x(e.mean) - pad, height: 16, rx: 8, fill: t.record}));
  svg.append(el('rect', {x: x(e.low), y: 44, width: Math.max(1, x(e.high) - x(e.low)), height: 28, fill: 'none', stroke: t.fg, 'stroke-dasharray': '3 2'}));
  for (const th of [0, 0.5, 1.0, 1.5, 2.0]) {
    svg.append(el('line', {x1: x(th), x2: x(th), y1: 40, y2: 76, stroke: th >= 1.5 ? t.record : t.muted, 'stroke-width': th >= 1.5 ? 2 : 1}));
    svg.append(el('text', {x: x(th), y: 92, 'text-anchor': 'middle', fill: t.fg, 'font-size': 12}, `${fixed(th, 1)} °C`));
  }
  // Members lie within a few hundredths of a degree of each other: their
  // names are listed under the chart, each dot has its own title.
  for (const m of e.members) {
    const dot = el('circle', {cx: x(m.value), cy: 58, r: 5, fill: t.bg, stroke: t.fg, 'stroke-width': 2, 'data-dataset': m.dataset});
    dot.append(el('title', {}, `${m.dataset}: ${fixed(m.value, 2)} °C`));
    svg.append(dot);
  }
  svg.append(el('text', {x: x(e.mean), y: 30, 'text-anchor': 'middle', fill: t.fg, 'font-size': 13, 'font-weight': 'bold'}, `${fixed(e.mean, 2)} °C`));
  sec.append(
    h('p', {class: 'big-number', 'data-value': 'long-term-mean'},
      h('strong', {}, c(e.mean)), ` above 1850–1900 in the long-term sense (${e.year}): the mean of ${e.members.length} datasets, ` +
      `spread ${fixed(e.spread, 2)} °C (${c(e.min)} to ${c(e.max)}), 95% interval ${c(e.low)} to ${c(e.high)}.`),
    h('figure', {class: 'chart'}, svg,
      h('figcaption', {}, 'The 20-year mean centred on the year (IPCC AR6, WMO): ten observed years and ten from the trend of the last 30 years. ' +
        'Dots: each dataset; dashed box: the interval covering every dataset\'s 95% interval.')));
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
      d.latest_day ? h('span', {'data-cell': 'day'}, `${c(d.latest_day.value)} on ${dateText(d.latest_day.date)}`) : '–',
      d.latest_month ? `${c(d.latest_month.value)} (${d.latest_month.date})` : '–',
      d.latest_year ? `${c(d.latest_year.value)} (${d.latest_year.year})` : '–',
      lvl ? h('span', {'data-cell': 'level'}, `${c(lvl.value)} (${fixed(lvl.low, 2)}–${fixed(lvl.high, 2)})`) : (d.long_term_level_error || '–'),
      !reach ? '–' : reach.already_reached ? 'reached' : reach.never ? 'never at this trend' : String(reach.year),
      h('span', {class: 'small'}, sourceNote(d.source)),
    ];
  });
  const sec = h('section', {'aria-labelledby': 'levels-h'}, h('h2', {id: 'levels-h'}, 'Above pre-industrial, by dataset'),
    table(null, ['Dataset', 'Latest day', 'Latest month', 'Latest year', `Long-term level ${w.year} (95%)`, 'Trend reaches 1.5 °C', 'Source'], rows,
      {cls: 'warming-levels'}));
  if (w.year_mean) {
    sec.append(h('p', {'data-value': 'year-mean'}, `${w.year_mean.year}: ${c(w.year_mean.mean)} above 1850–1900, the mean of ` +
      `${Object.keys(w.year_mean.datasets).length} datasets with a complete year (${c(w.year_mean.min)} to ${c(w.year_mean.max)}).`));
  }
  for (const m of w.missing || []) sec.append(h('p', {class: 'muted'}, `Not included: ${m}`));
  return sec;
}

const find = (d, steps, th) => d.thresholds.find((t) => t.steps === steps && t.threshold === th);

// dailyChart draws the request year's ERA5 days above 1850-1900 with the
// 1.5 and 2.0 °C lines and the counts of days at or above them.
async function dailyChart(ctx, w, era) {
  const sec = h('section', {'aria-labelledby': 'daily-h'}, h('h2', {id: 'daily-h'}, `Every day of ${w.year} above pre-industrial (ERA5)`));
  const years = [];
  const lastY = era.latest_day ? Number(era.latest_day.date.slice(0, 4)) : w.year;
  for (let y = lastY; y >= lastY - 30 && y >= 1940; y--) years.push(y);
  if (!years.includes(w.year)) years.unshift(w.year);
  sec.append(h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()},
    select('Year', 'year', years.map((y) => [y, String(y)]), w.year, (v) => {
      ctx.setParams({year: v});
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    })));
  const d15 = find(era, 'days', 1.5);
  const d20 = find(era, 'days', 2.0);
  sec.append(h('p', {class: 'counts'},
    h('strong', {'data-value': 'days15'}, String(d15.in_year.above)), ` of ${d15.in_year.present} days of ${w.year} at or above 1.5 °C; `,
    h('strong', {'data-value': 'days20'}, String(d20.in_year.above)), ` at or above 2.0 °C.`,
    d20.first ? [' The first day ever at or above 2 °C: ', h('strong', {'data-value': 'first20'}, dateText(d20.first.date)), ` (${c(d20.first.value)}).`] : ' No day has reached 2 °C.',
    d15.longest ? ` The longest run at or above 1.5 °C: ${d15.longest.steps} days, ${dateText(d15.longest.start)} to ${dateText(d15.longest.end)}.` : '',
    era.latest_day && era.latest_day.nth_day_of_year_at_or_above_1_5
      ? ` The latest day, ${dateText(era.latest_day.date)}, was the ${ordinal(era.latest_day.nth_day_of_year_at_or_above_1_5)} day of its year at or above 1.5 °C.` : ''));
  const days = era.days || [];
  const t = theme();
  const xs = days.map((p) => Date.parse(p.date + 'T12:00:00Z') / 1000);
  const vs = days.map((p) => p.value);
  mount(sec, {
    name: 'paris-daily',
    label: `ERA5 daily global temperature of ${w.year} above 1850–1900, with the 1.5 and 2.0 °C lines: ${d15.in_year.above} days at or above 1.5 °C, ${d20.in_year.above} at or above 2.0 °C.`,
    height: 340,
    data: [xs, vs, xs.map(() => 1.5), xs.map(() => 2.0)],
    opts: {
      scales: {x: {time: true}},
      legend: {show: false},
      cursor: {drag: {x: false, y: false}},
      series: [{label: 'Date'},
        {label: 'ERA5', stroke: t.current, width: 2, points: {show: false}},
        {label: '1.5 °C', stroke: t.record, width: 1.5, dash: [6, 4], points: {show: false}},
        {label: '2.0 °C', stroke: t.neg, width: 1.5, dash: [2, 3], points: {show: false}}],
      axes: [axis(t), axis(t, {size: 60, values: (_, s) => s.map((v) => `${fixed(v, 1)} °C`)})],
    },
    keyTop: (u, i) => u.valToPos(vs[i], 'y'),
    readout: (u, i) => [h('strong', {}, dateText(days[i].date)), `: ${c(vs[i])} above 1850–1900`],
    caption: [h('ul', {class: 'legend'},
      h('li', {}, h('span', {class: 'swatch', style: `background:${t.current}`}), 'ERA5, daily'),
      h('li', {}, h('span', {class: 'swatch dashed', style: `border-color:${t.record}`}), '1.5 °C'),
      h('li', {}, h('span', {class: 'swatch dashed', style: `border-color:${t.neg}`}), '2.0 °C')),
    sourceNote(era.source, era.statement)],
  });
  sec.append(dataTable('Table of the chart', ['Date', '°C above 1850–1900'], days.slice().reverse().map((p) => [p.date, fixed(p.value, 3)]),
    `ERA5 daily values of ${w.year}`));
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
  return h('section', {'aria-labelledby': 'byyear-h'}, h('h2', {id: 'byyear-h'}, 'Days at or above 1.5 °C and 2 °C, by year (ERA5)'),
    rows.length ? table(null, ['Year', '≥ 1.5 °C', '≥ 2.0 °C', 'Days with data', 'Latest crossing'], rows, {numeric: [1, 2, 3], cls: 'days-by-year'})
      : h('p', {}, 'No day has reached 1.5 °C.'),
    h('p', {class: 'small muted'}, 'Each day at or above a threshold is an event of the alert feed (kinds above-1.5-day and above-2.0-day); ' +
      'the latest crossing is the event of the year\'s last such day.'));
}

// thresholdsTable lists, per dataset, the days, months, 12-month periods
// and years at or above each threshold.
function thresholdsTable(w) {
  const kind = {days: 'Days', months: 'Months', running12: '12-month periods', years: 'Calendar years'};
  const rows = [];
  for (const d of w.datasets) {
    for (const t of d.thresholds) {
      rows.push([`${d.dataset}: ${kind[t.steps]} ≥ ${fixed(t.threshold, 1)} °C`,
        `${t.in_year.above} of ${t.in_year.present}`, String(t.count),
        t.first ? `${t.first.date} (${c(t.first.value)})` : '–',
        t.longest ? `${t.longest.steps}: ${t.longest.start} to ${t.longest.end}` : '–',
        h('span', {class: 'small'}, `${d.source.dataset} ${d.source.version}`)]);
    }
  }
  return h('section', {'aria-labelledby': 'thr-h'}, h('h2', {id: 'thr-h'}, '1.5 °C and 2 °C crossed'),
    table(null, ['Steps', `In ${w.year}`, 'All', 'First', 'Longest run', 'Source'], rows, {numeric: [1, 2], cls: 'thresholds'}),
    h('p', {class: 'small muted'}, 'A step counts when its value is at or above the threshold, unrounded. 12-month periods are dated by their last month. ' +
      'A single month or year above 1.5 °C is not a breach of the Paris Agreement, which refers to the long-term level.'));
}

function budgetTable(w) {
  const sec = h('section', {'aria-labelledby': 'budget-h'}, h('h2', {id: 'budget-h'}, 'Remaining carbon budget'));
  if (!w.budgets.length) return sec;
  sec.append(table(null, ['Budget', 'Left (GtCO2)', 'On', 'Years at the latest rate', 'Budget source'], w.budgets.map((b) => [
    `${b.budget.title} (${b.budget.gtco2} GtCO2 from ${b.budget.start_year}, ${b.budget.likelihood_pct}% chance of ${b.budget.warming_c} °C)`,
    h('span', {'data-budget': b.budget.id}, fixed(b.remaining_gtco2, 1)), `1 January ${b.as_of_year}`,
    `${fixed(b.years_left, 1)} (at ${fixed(b.latest_gtco2, 1)} Gt in ${b.latest_year})`,
    h('a', {href: b.budget.source.url, rel: 'noopener'}, b.budget.source.publisher)]), {numeric: [1]}),
  h('p', {class: 'small'}, `Counted: ${w.budgets[0].counted}. A proxy: the budgets also cover land-use CO2, so the years left are an upper bound.`),
  sourceNote(w.budgets[0].source));
  return sec;
}

async function goalsPart(slot, ctx) {
  let rep;
  try {
    rep = await get('/api/goals');
  } catch (e) {
    slot.replaceChildren(h('h2', {id: 'goals-h'}, 'Global Stocktake goals'), errorBox(e, 'Goals'));
    return;
  }
  if (ctx.stale()) return;
  slot.replaceChildren(h('h2', {id: 'goals-h'}, 'Global Stocktake goals'));
  for (const g of rep.goals) slot.append(goalSection(g));
}

function goalSection(g) {
  const sec = h('article', {class: 'goal', 'data-goal': g.goal.id}, h('h3', {}, g.goal.title),
    h('p', {class: 'small muted'}, `${g.goal.decision} paragraph ${g.goal.paragraph}: ${g.goal.text}`));
  if (g.error) {
    sec.append(h('p', {class: 'error'}, g.error));
    return sec;
  }
  const unit = g.unit;
  const q = (v) => quantity(v, unit).text;
  let status;
  if (g.on_track === true) status = 'on track';
  else if (g.on_track === false) status = 'off track';
  else status = g.direction;
  const reach = !g.reach ? '' : g.reach.status === 'met' ? ' The target is already met.'
    : g.reach.status === 'year' ? ` At the trend of ${g.trend.fit_first}–${g.trend.fit_last} the target is reached in ${g.reach.year}.`
      : ` At the trend of ${g.trend.fit_first}–${g.trend.fit_last}: never at this rate.`;
  sec.append(h('p', {'data-value': 'goal-status'}, h('strong', {}, status), `: ${g.latest.year} ${q(g.latest.value)}`,
    g.required_at_latest !== undefined ? ` against ${q(g.required_at_latest)} on the required path (gap ${g.gap_pct >= 0 ? '+' : ''}${fixed(g.gap_pct, 1)}%).` : '.',
    ` Baseline ${g.baseline.year}: ${q(g.baseline.value)} (${g.baseline_note}).`, reach));
  const first = g.required_path.length ? g.required_path[0].year : g.baseline.year;
  const actual = g.actual.filter((v) => v.year >= first - 8);
  const years = [...new Set([...actual.map((v) => v.year), ...g.required_path.map((v) => v.year)])].sort((a, b) => a - b);
  const av = new Map(actual.map((v) => [v.year, v.value]));
  const rv = new Map(g.required_path.map((v) => [v.year, v.value]));
  const da = years.map((y) => av.get(y) ?? null);
  const dr = years.map((y) => rv.get(y) ?? null);
  const t = theme();
  mount(sec, {
    name: `goal-${g.goal.id}`,
    label: `${g.goal.title}: actual ${unitText(unit)} and the required path, ${years[0]} to ${years[years.length - 1]}; ${status}.`,
    height: 260,
    data: [years, da, dr],
    opts: {
      scales: {x: {time: false}},
      legend: {show: false},
      cursor: {drag: {x: false, y: false}},
      series: [{label: 'Year'},
        {label: 'Actual', stroke: t.current, width: 2.5, points: {show: true, size: 5}},
        {label: 'Required path', stroke: t.mean, width: 2, dash: [8, 4], points: {show: false}}],
      axes: [axis(t, {incrs: [1, 2, 5, 10, 20], values: (_, s) => s.map((v) => String(v))}), axis(t, {size: 80, values: (_, s) => s.map((v) => quantity(v, unit).text)})],
    },
    keyTop: (u, i) => u.valToPos(da[i] ?? dr[i] ?? 0, 'y'),
    readout: (u, i) => [h('strong', {}, String(years[i])), `: actual ${da[i] === null ? 'no value' : q(da[i])} · required ${dr[i] === null ? '–' : q(dr[i])}`],
    caption: [h('ul', {class: 'legend'},
      h('li', {}, h('span', {class: 'swatch', style: `background:${t.current}`}), 'Actual'),
      h('li', {}, h('span', {class: 'swatch dashed', style: `border-color:${t.mean}`}), g.path ? `Required path (${g.path.kind})` : 'No required path: the decision sets no figure')),
    ...g.sources.map((s) => sourceNote(s.source, s.indicator))],
  });
  sec.append(table(null, ['Entity', 'Base', 'Latest', 'Change', 'Share of world change'], g.contributions.map((cn) => [
    cn.name, cn.error || (cn.base !== undefined ? q(cn.base) : '–'), cn.latest !== undefined ? q(cn.latest) : '–',
    cn.change !== undefined ? q(cn.change) : '–', cn.share_of_world_change_pct !== undefined ? `${fixed(cn.share_of_world_change_pct, 1)}%` : '–',
  ]), {numeric: [1, 2, 3, 4], cls: 'contributions'}));
  sec.append(dataTable('Table of the chart', ['Year', 'Actual', 'Required'], years.map((y, i) => [String(y), num(da[i]), num(dr[i])]), g.goal.title));
  if (g.goal.caveat) sec.append(h('p', {class: 'small muted'}, `Measure: ${g.goal.coverage}. ${g.goal.caveat}`));
  return sec;
}
