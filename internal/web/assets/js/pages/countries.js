// Two countries side by side (China and the United States by default, any
// two selectable): the national indicators with rank and share of world
// (GET /api/compare), cumulative CO2 (GET /api/rank?cumulative=true), peaks
// (GET /api/peaks), a chart of one indicator over time for both (GET
// /api/series) and the pledges with their measured progress (GET
// /api/pledges).

import {get, sourceNote, chartLinks} from '../api.js';
import {h, num, pct, signed, ordinal, quantity, unitText} from '../dom.js';
import {mount, theme, axis, dataTable} from '../chart.js';
import {select, errorBox, table} from '../ui.js';

// peakIndicators are the national indicators whose peak is reported.
const peakIndicators = ['co2.emissions', 'ch4.emissions', 'electricity.coal'];

export async function render(main, ctx) {
  const state = {
    a: (ctx.params.get('a') || 'CHN').toUpperCase(),
    b: (ctx.params.get('b') || 'USA').toUpperCase(),
    chart: ctx.params.get('chart') || 'co2.emissions',
  };
  main.append(h('h1', {}, 'Countries side by side'),
    h('p', {class: 'lede'}, 'Emissions, coal power, clean capacity and forest loss of two countries, with their rank and share of the world, ' +
      'their peaks, their cumulative emissions and their pledges measured against the data.'));
  const [indicators, world] = await Promise.all([get('/api/indicators'), get('/api/rank/co2.emissions', {top: 0})]);
  if (ctx.stale()) return;
  const national = distinctTitles(indicators.filter((r) => r.national && r.default));
  const titles = new Map(indicators.filter((r) => r.default).map((r) => [r.indicator, r.title]));
  for (const r of national) titles.set(r.indicator, r.title);
  const countries = world.ranking.map((r) => [r.entity, r.name]).sort((x, y) => x[1].localeCompare(y[1]));
  const controls = h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()});
  const body = h('div', {});
  main.append(controls, body);
  const refresh = async () => {
    ctx.setParams({a: state.a, b: state.b});
    body.replaceChildren(h('p', {class: 'loading'}, 'Loading…'));
    await renderBody(body, ctx, state, titles, national);
  };
  const pick = (which) => select(which === 'a' ? 'First country' : 'Second country', which,
    countries.map(([code, name]) => [code, `${name} (${code})`]), state[which], (v) => {
      state[which] = v;
      refresh();
    });
  controls.append(pick('a'), pick('b'),
    h('button', {type: 'button', class: 'button', onclick: () => {
      [state.a, state.b] = [state.b, state.a];
      controls.querySelector('select[name=a]').value = state.a;
      controls.querySelector('select[name=b]').value = state.b;
      refresh();
    }}, 'Swap'));
  await renderBody(body, ctx, state, titles, national);
}

// isShare tells whether a national indicator is a share in percent
// (electricity.coal.share): its change on the year before is a difference
// of percentages, written in percentage points.
function isShare(id, unit) {
  return unit === '%' && id.endsWith('.share');
}

// changeText writes the change on the year before. /api/compare gives the
// relative change in percent; for a share it is turned into percentage
// points, the value minus the value of the year before, which is the
// value minus value / (1 + change / 100).
function changeText(e, id, unit) {
  const rel = e.change_from_previous_year_pct;
  if (rel === null || rel === undefined) return '';
  if (!isShare(id, unit)) return ` · ${signed(rel, 1)}% on the year before`;
  if (rel <= -100) return '';
  const pp = e.value - e.value / (1 + rel / 100);
  return ` · ${signed(pp, 1)} pp on the year before`;
}

// distinctTitles returns the national indicators with titles that tell
// them apart: two datasets may publish the same quantity (wind generation
// from the electricity mix and from its own file), so a title shared by
// several indicators gets its dataset added ("… (owid-wind-generation)").
function distinctTitles(list) {
  const count = new Map();
  for (const r of list) count.set(r.title, (count.get(r.title) || 0) + 1);
  return list.map((r) => (count.get(r.title) > 1 ? {...r, title: `${r.title} (${r.source?.dataset || r.indicator})`} : r));
}

// cell renders one country's value with its rank, share and change.
function cell(e, id, unit, countries) {
  if (!e || e.value === null || e.value === undefined) return h('span', {class: 'muted'}, 'no data');
  const q = quantity(e.value, unit);
  return h('div', {class: 'cmp-cell', 'data-entity': e.entity},
    h('span', {class: 'big', title: q.exact}, q.text),
    h('span', {class: 'muted'},
      e.rank ? ` ${ordinal(e.rank)} of ${countries}` : '',
      e.share_of_world !== null && e.share_of_world !== undefined ? ` · ${pct(e.share_of_world)} of world` : '',
      changeText(e, id, unit)));
}

async function renderBody(body, ctx, state, titles, national) {
  const {a, b} = state;
  let cmp;
  try {
    cmp = await get('/api/compare', {a, b});
  } catch (e) {
    body.replaceChildren(errorBox(e, 'Comparing'));
    return;
  }
  if (ctx.stale()) return;
  const nameOf = {};
  for (const ind of cmp.indicators) for (const e of ind.entities) nameOf[e.entity] = e.name;
  const na = nameOf[a] || a;
  const nb = nameOf[b] || b;
  const out = [];
  // Side by side.
  out.push(h('section', {'aria-labelledby': 'cmp-h'},
    h('h2', {id: 'cmp-h'}, `${na} and ${nb}`),
    table(null, ['Indicator', 'Year', na, nb, 'Source'], cmp.indicators.map((ind) => {
      const ea = ind.entities.find((e) => e.entity === a);
      const eb = ind.entities.find((e) => e.entity === b);
      return [
        h('span', {}, titles.get(ind.indicator) || ind.indicator, h('br', {}), h('code', {class: 'small'}, ind.indicator), ` (${unitText(ind.unit)})`),
        String(ind.year ?? '–'), cell(ea, ind.indicator, ind.unit, ind.countries), cell(eb, ind.indicator, ind.unit, ind.countries),
        h('span', {class: 'small'}, sourceNote(ind.source)),
      ];
    }), {cls: 'compare'})));
  const cumSlot = h('section', {'aria-labelledby': 'cum-h'}, h('h2', {id: 'cum-h'}, 'Cumulative CO2 emissions'), h('p', {class: 'loading'}, 'Loading…'));
  const peakSlot = h('section', {'aria-labelledby': 'peak-h'}, h('h2', {id: 'peak-h'}, 'Peaks'), h('p', {class: 'loading'}, 'Loading…'));
  const chartSlot = h('section', {'aria-labelledby': 'series-h'});
  const pledgeSlot = h('section', {'aria-labelledby': 'pledge-h'}, h('h2', {id: 'pledge-h'}, 'Pledges and measured progress'), h('p', {class: 'loading'}, 'Loading…'));
  out.push(cumSlot, peakSlot, chartSlot, pledgeSlot);
  body.replaceChildren(...out);

  // has tells whether the comparison found a value of an indicator for an
  // entity (undefined when the indicator is not compared), so that requests
  // bound to answer 404 are not made.
  const has = (id, entity) => {
    const ind = cmp.indicators.find((i) => i.indicator === id);
    if (!ind) return undefined;
    const e = ind.entities.find((x) => x.entity === entity);
    return !!e && e.value !== null && e.value !== undefined;
  };
  state.has = has;
  await Promise.all([
    cumulative(cumSlot, a, b, na, nb),
    peaks(peakSlot, a, b, titles, has),
    timeChart(chartSlot, ctx, state, national, na, nb),
    pledges(pledgeSlot, a, b, na, nb),
  ]);
}

async function cumulative(slot, a, b, na, nb) {
  try {
    const rk = await get('/api/rank/co2.emissions', {cumulative: 'true', top: 0});
    const ra = rk.ranking.find((r) => r.entity === a);
    const rb = rk.ranking.find((r) => r.entity === b);
    const row = (name, r) => [name, r ? quantity(r.value, rk.unit).text : 'no data', r ? `${ordinal(r.rank)} of ${rk.countries}` : '–',
      r && r.share_of_world !== null ? pct(r.share_of_world) : '–'];
    slot.replaceChildren(h('h2', {id: 'cum-h'}, 'Cumulative CO2 emissions'),
      table(`Fossil and industrial CO2 emitted from ${rk.since ?? 'the first year'} to ${rk.year} (historical responsibility)`,
        ['Country', 'Total', 'Rank', 'Share of world'], [row(na, ra), row(nb, rb)], {numeric: [1, 2, 3]}),
      h('p', {}, h('a', {href: '#/rankings?id=co2.emissions&cumulative=1'}, 'Top 20 by cumulative emissions')),
      sourceNote(rk.source));
  } catch (e) {
    slot.replaceChildren(h('h2', {id: 'cum-h'}, 'Cumulative CO2 emissions'), errorBox(e));
  }
}

async function peaks(slot, a, b, titles, has) {
  const rows = [];
  const src = [];
  let rule = '';
  for (const id of peakIndicators) {
    const entities = [a, b].filter((e) => has(id, e) !== false);
    if (!entities.length) continue;
    try {
      const res = await get(`/api/peaks/${id}`, {entity: entities.join(',')});
      const list = Array.isArray(res) ? res : [res];
      for (const p of list) {
        rule = p.rule;
        rows.push([`${p.name}: ${titles.get(id) || id}`, String(p.peak_year), quantity(p.peak_value, p.unit).text,
          `${p.latest_year}: ${quantity(p.latest_value, p.unit).text}`, pct(p.below_peak_pct),
          p.peaked ? h('strong', {}, `yes, ${p.years_since_peak} years ago`) : 'not by the rule']);
      }
      if (list[0]) src.push(sourceNote(list[0].source));
    } catch (e) {
      src.push(errorBox(e, id));
    }
  }
  slot.replaceChildren(h('h2', {id: 'peak-h'}, 'Peaks'),
    table(null, ['Series', 'Peak year', 'Peak value', 'Latest', 'Below peak', 'Peaked?'], rows, {numeric: [2, 3, 4]}),
    h('p', {class: 'muted'}, rule ? `Rule: ${rule}.` : ''), ...src);
}

async function timeChart(slot, ctx, state, national, na, nb) {
  const id = state.chart;
  const title = national.find((r) => r.indicator === id)?.title || id;
  slot.replaceChildren(h('h2', {id: 'series-h'}, 'Over time'),
    h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()},
      select('Indicator', 'chart', national.map((r) => [r.indicator, r.title]), id, (v) => {
        state.chart = v;
        ctx.setParams({chart: v});
        timeChart(slot, ctx, state, national, na, nb);
      })));
  let sa; let sb;
  try {
    [sa, sb] = await Promise.all([state.a, state.b].map((e) => (state.has && state.has(id, e) === false ? null
      : get(`/api/series/${encodeURIComponent(id)}`, {entity: e}).catch((err) => (err.status === 404 ? null : Promise.reject(err))))));
  } catch (e) {
    slot.append(errorBox(e, title));
    return;
  }
  if (!sa && !sb) {
    slot.append(h('p', {}, `Neither country has ${id} data.`));
    return;
  }
  const years = [...new Set([...(sa?.points || []), ...(sb?.points || [])].map((p) => +p.date.slice(0, 4)))].sort((x, y) => x - y);
  const va = new Map((sa?.points || []).map((p) => [+p.date.slice(0, 4), p.value]));
  const vb = new Map((sb?.points || []).map((p) => [+p.date.slice(0, 4), p.value]));
  const unit = (sa || sb).unit;
  const t = theme();
  const xs = years.map((y) => Date.UTC(y, 6, 1) / 1000);
  const da = years.map((y) => va.get(y) ?? null);
  const db = years.map((y) => vb.get(y) ?? null);
  const scaled = (v) => quantity(v, unit).text;
  mount(slot, {
    name: 'countries',
    label: `${title}: ${na} and ${nb}, ${years[0]} to ${years[years.length - 1]}.`,
    height: 340,
    data: [xs, da, db],
    opts: {
      scales: {x: {time: true}},
      legend: {show: false},
      cursor: {drag: {x: false, y: false}},
      series: [{label: 'Year'},
        {label: na, stroke: t.a, width: 2.5, points: {show: false}},
        {label: nb, stroke: t.b, width: 2.5, dash: [8, 4], points: {show: false}}],
      axes: [axis(t), axis(t, {size: 80, values: (_, s) => ticks(s, unit)})],
    },
    keyTop: (pl, idx) => pl.valToPos(da[idx] ?? db[idx] ?? 0, 'y'),
    readout: (pl, idx) => [h('strong', {}, String(years[idx])), ': ',
      h('span', {class: 'k-a'}, `${na} ${da[idx] === null ? 'no value' : scaled(da[idx])}`), ' · ',
      h('span', {class: 'k-b'}, `${nb} ${db[idx] === null ? 'no value' : scaled(db[idx])}`)],
    caption: [h('ul', {class: 'legend'},
      h('li', {}, h('span', {class: 'swatch', style: `background:${t.a}`}), na),
      h('li', {}, h('span', {class: 'swatch dashed', style: `border-color:${t.b}`}), nb)),
    chartLinks(id, {entity: state.a}, na), chartLinks(id, {entity: state.b}, nb),
    sourceNote((sa || sb).source)],
  });
  slot.append(dataTable('Table of the chart', ['Year', na, nb],
    years.slice(-30).reverse().map((y, i) => [String(y), num(va.get(y) ?? null), num(vb.get(y) ?? null)]),
    `${title} (${unitText(unit)}), the last 30 years`));
}

// ticks labels the y axis of a national chart with one scale for all ticks
// (Gt, Mt, million...), chosen from the largest.
function ticks(splits, unit) {
  const big = Math.max(...splits.map(Math.abs));
  const scaled = quantity(big, unit).text;
  const m = /^[−\d.,]+ (.*)$/.exec(scaled);
  const div = big === 0 ? 1 : big / Number(scaled.split(' ')[0].replace(/[−,]/g, '').replace('−', '-'));
  return splits.map((v) => `${num(v / (Number.isFinite(div) && div > 0 ? div : 1), 2)}${m ? ' ' + m[1] : ''}`);
}

async function pledges(slot, a, b, na, nb) {
  let pa; let pb;
  try {
    // The registry is read whole first: asking for the pledges of an
    // entity that has none answers 404.
    const all = await get('/api/pledges');
    const concerned = (e) => all.pledges.some((r) => r.pledge.entity === e || (r.pledge.participants || []).includes(e));
    const none = {rule: all.rule, pledges: []};
    [pa, pb] = await Promise.all([a, b].map((e) => (concerned(e) ? get('/api/pledges', {entity: e}) : none)));
  } catch (e) {
    slot.replaceChildren(h('h2', {id: 'pledge-h'}, 'Pledges and measured progress'), errorBox(e));
    return;
  }
  const column = (name, rep) => h('div', {class: 'pledge-col'}, h('h3', {}, name),
    rep.pledges.length ? rep.pledges.map(pledgeCard) : h('p', {class: 'muted'}, 'No pledge of this country is in the registry.'));
  slot.replaceChildren(h('h2', {id: 'pledge-h'}, 'Pledges and measured progress'),
    h('p', {class: 'muted'}, `Peak rule: ${pa.rule}.`),
    h('div', {class: 'pledges'}, column(na, pa), column(nb, pb)));
}

function pledgeCard(r) {
  const p = r.pledge;
  const target = p.target || {};
  const coverage = {direct: 'measured directly', proxy: 'measured through a proxy', none: 'not measurable from the data'}[r.measurable] || r.measurable;
  return h('article', {class: 'pledge'},
    h('h4', {}, p.title),
    h('p', {class: 'small'}, [p.kind, p.gas, target.year ? `target ${target.when || 'by'} ${target.year}` : null, `announced ${p.announced}`]
      .filter(Boolean).join(' · '), ' ', h('span', {class: `badge status-${p.status}`}, p.status), ' ', h('span', {class: `badge ${r.measurable}`}, coverage)),
    (r.measurements || []).map((m) => h('div', {class: 'measure'},
      h('p', {}, m.summary),
      m.caveat && r.measurable === 'proxy' ? null : (m.caveat ? h('p', {class: 'muted small'}, m.caveat) : null),
      sourceNote(m.source))),
    p.source ? h('p', {class: 'small'}, 'Pledge source: ',
      p.source.url ? h('a', {href: p.source.url, rel: 'noopener'}, p.source.title) : p.source.title,
      p.source.publisher ? `, ${p.source.publisher}` : '', p.source.date ? `, ${p.source.date}` : '') : null);
}
