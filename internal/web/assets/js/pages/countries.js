// Two countries side by side (China and the United States by default, any
// two selectable): the national indicators with rank and share of world
// (GET /api/compare), cumulative CO2 (GET /api/rank?cumulative=true), peaks
// (GET /api/peaks), a chart of one indicator over time for both (GET
// /api/series) and the pledges with their measured progress (GET
// /api/pledges).

import {get, sourceNote, chartLinks, titleOf} from '../api.js';
import {h, num, pct, signed, ordinal, quantity, unitText, countryName, dateText} from '../dom.js';
import {t} from '../i18n.js';
import {mount, theme, axis, timeAxis, dataTable} from '../chart.js';
import {select, errorBox, table} from '../ui.js';

// peakIndicators are the national indicators whose peak is reported.
const peakIndicators = ['co2.emissions', 'ch4.emissions', 'electricity.coal'];

export async function render(main, ctx) {
  const state = {
    a: (ctx.params.get('a') || 'CHN').toUpperCase(),
    b: (ctx.params.get('b') || 'USA').toUpperCase(),
    chart: ctx.params.get('chart') || 'co2.emissions',
  };
  main.append(h('h1', {}, t('countries:title')),
    h('p', {class: 'lede'}, t('countries:lede')));
  const [indicators, world] = await Promise.all([get('/api/indicators'), get('/api/rank/co2.emissions', {top: 0})]);
  if (ctx.stale()) return;
  const national = distinctTitles(indicators.filter((r) => r.national && r.default).map((r) => ({...r, title: titleOf(r.indicator, r.title)})));
  const titles = new Map(indicators.filter((r) => r.default).map((r) => [r.indicator, r.title]));
  for (const r of national) titles.set(r.indicator, r.title);
  const countries = world.ranking.map((r) => [r.entity, countryName(r.entity, r.name)]).sort((x, y) => x[1].localeCompare(y[1], document.documentElement.lang));
  const controls = h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()});
  const body = h('div', {});
  main.append(controls, body);
  const refresh = async () => {
    ctx.setParams({a: state.a, b: state.b});
    body.replaceChildren(h('p', {class: 'loading'}, t('common:loading')));
    await renderBody(body, ctx, state, titles, national);
  };
  const pick = (which) => select(which === 'a' ? t('countries:first') : t('countries:second'), which,
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
    }}, t('countries:swap')));
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
  if (!isShare(id, unit)) return t('countries:changePct', {change: signed(rel, 1)});
  if (rel <= -100) return '';
  const pp = e.value - e.value / (1 + rel / 100);
  return t('countries:changePp', {change: signed(pp, 1)});
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
  if (!e || e.value === null || e.value === undefined) return h('span', {class: 'muted'}, t('countries:noData'));
  const q = quantity(e.value, unit);
  return h('div', {class: 'cmp-cell', 'data-entity': e.entity},
    h('span', {class: 'big', title: q.exact}, q.text),
    h('span', {class: 'muted'},
      e.rank ? t('countries:rankOf', {ord: ordinal(e.rank), n: countries}) : '',
      e.share_of_world !== null && e.share_of_world !== undefined ? t('countries:shareOf', {share: pct(e.share_of_world)}) : '',
      changeText(e, id, unit)));
}

async function renderBody(body, ctx, state, titles, national) {
  const {a, b} = state;
  let cmp;
  try {
    cmp = await get('/api/compare', {a, b});
  } catch (e) {
    body.replaceChildren(errorBox(e, t('countries:comparing')));
    return;
  }
  if (ctx.stale()) return;
  const nameOf = {};
  for (const ind of cmp.indicators) for (const e of ind.entities) nameOf[e.entity] = countryName(e.entity, e.name);
  const na = nameOf[a] || countryName(a, a);
  const nb = nameOf[b] || countryName(b, b);
  const out = [];
  // Side by side.
  out.push(h('section', {'aria-labelledby': 'cmp-h'},
    h('h2', {id: 'cmp-h'}, t('countries:and', {a: na, b: nb})),
    table(null, [t('countries:col.indicator'), t('countries:col.year'), na, nb, t('countries:col.source')], cmp.indicators.map((ind) => {
      const ea = ind.entities.find((e) => e.entity === a);
      const eb = ind.entities.find((e) => e.entity === b);
      return [
        h('span', {}, titles.get(ind.indicator) || ind.indicator, h('br', {}), h('code', {class: 'small'}, ind.indicator), ` (${unitText(ind.unit)})`),
        String(ind.year ?? '–'), cell(ea, ind.indicator, ind.unit, ind.countries), cell(eb, ind.indicator, ind.unit, ind.countries),
        h('span', {class: 'small'}, sourceNote(ind.source)),
      ];
    }), {cls: 'compare'})));
  const cumSlot = h('section', {'aria-labelledby': 'cum-h'}, h('h2', {id: 'cum-h'}, t('countries:cumulative')), h('p', {class: 'loading'}, t('common:loading')));
  const peakSlot = h('section', {'aria-labelledby': 'peak-h'}, h('h2', {id: 'peak-h'}, t('countries:peaks')), h('p', {class: 'loading'}, t('common:loading')));
  const chartSlot = h('section', {'aria-labelledby': 'series-h'});
  const pledgeSlot = h('section', {'aria-labelledby': 'pledge-h'}, h('h2', {id: 'pledge-h'}, t('countries:pledges')), h('p', {class: 'loading'}, t('common:loading')));
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
    const row = (name, r) => [name, r ? quantity(r.value, rk.unit).text : t('countries:noData'), r ? t('countries:rankOf', {ord: ordinal(r.rank), n: rk.countries}).trim() : '–',
      r && r.share_of_world !== null ? pct(r.share_of_world) : '–'];
    slot.replaceChildren(h('h2', {id: 'cum-h'}, t('countries:cumulative')),
      table(t('countries:cumulativeCaption', {since: rk.since ? dateText(String(rk.since)) : t('countries:firstYear'), year: rk.year}),
        ['country', 'total', 'rank', 'share'].map((k) => t(`countries:col.${k}`)), [row(na, ra), row(nb, rb)], {numeric: [1, 2, 3]}),
      h('p', {}, h('a', {href: '#/rankings?id=co2.emissions&cumulative=1'}, t('countries:top20'))),
      sourceNote(rk.source));
  } catch (e) {
    slot.replaceChildren(h('h2', {id: 'cum-h'}, t('countries:cumulative')), errorBox(e));
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
        rows.push([`${countryName(p.entity, p.name)}: ${titles.get(id) || id}`, String(p.peak_year), quantity(p.peak_value, p.unit).text,
          `${p.latest_year}: ${quantity(p.latest_value, p.unit).text}`, pct(p.below_peak_pct),
          p.peaked ? h('strong', {}, t('countries:peaked', {count: p.years_since_peak})) : t('countries:notPeaked')]);
      }
      if (list[0]) src.push(sourceNote(list[0].source));
    } catch (e) {
      src.push(errorBox(e, id));
    }
  }
  slot.replaceChildren(h('h2', {id: 'peak-h'}, t('countries:peaks')),
    table(null, ['series', 'peakYear', 'peakValue', 'latest', 'below', 'peaked'].map((k) => t(`countries:col.${k}`)), rows, {numeric: [2, 3, 4]}),
    h('p', {class: 'muted'}, rule ? t('countries:rule', {rule}) : ''), ...src);
}

async function timeChart(slot, ctx, state, national, na, nb) {
  const id = state.chart;
  const title = national.find((r) => r.indicator === id)?.title || id;
  slot.replaceChildren(h('h2', {id: 'series-h'}, t('countries:overTime')),
    h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()},
      select(t('countries:indicator'), 'chart', national.map((r) => [r.indicator, r.title]), id, (v) => {
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
    slot.append(h('p', {}, t('countries:neither', {id})));
    return;
  }
  const years = [...new Set([...(sa?.points || []), ...(sb?.points || [])].map((p) => +p.date.slice(0, 4)))].sort((x, y) => x - y);
  const va = new Map((sa?.points || []).map((p) => [+p.date.slice(0, 4), p.value]));
  const vb = new Map((sb?.points || []).map((p) => [+p.date.slice(0, 4), p.value]));
  const unit = (sa || sb).unit;
  const colors = theme();
  const xs = years.map((y) => Date.UTC(y, 6, 1) / 1000);
  const da = years.map((y) => va.get(y) ?? null);
  const db = years.map((y) => vb.get(y) ?? null);
  const scaled = (v) => quantity(v, unit).text;
  mount(slot, {
    name: 'countries',
    label: t('countries:chartLabel', {title, a: na, b: nb, from: years[0], to: years[years.length - 1]}),
    height: 340,
    data: [xs, da, db],
    opts: {
      scales: {x: {time: true}},
      legend: {show: false},
      cursor: {drag: {x: false, y: false}},
      series: [{label: t('countries:year')},
        {label: na, stroke: colors.a, width: 2.5, points: {show: false}},
        {label: nb, stroke: colors.b, width: 2.5, dash: [8, 4], points: {show: false}}],
      axes: [axis(colors, timeAxis()), axis(colors, {size: 80, values: (_, s) => ticks(s, unit)})],
    },
    keyTop: (pl, idx) => pl.valToPos(da[idx] ?? db[idx] ?? 0, 'y'),
    readout: (pl, idx) => [h('strong', {}, String(years[idx])), ': ',
      h('span', {class: 'k-a'}, `${na} ${da[idx] === null ? t('common:chart.noValue') : scaled(da[idx])}`), ' · ',
      h('span', {class: 'k-b'}, `${nb} ${db[idx] === null ? t('common:chart.noValue') : scaled(db[idx])}`)],
    caption: [h('ul', {class: 'legend'},
      h('li', {}, h('span', {class: 'swatch', style: `background:${colors.a}`}), na),
      h('li', {}, h('span', {class: 'swatch dashed', style: `border-color:${colors.b}`}), nb)),
    chartLinks(id, {entity: state.a}, na), chartLinks(id, {entity: state.b}, nb),
    sourceNote((sa || sb).source)],
  });
  slot.append(dataTable(t('common:chart.table'), [t('countries:year'), na, nb],
    years.slice(-30).reverse().map((y) => [String(y), num(va.get(y) ?? null), num(vb.get(y) ?? null)]),
    t('countries:last30', {title, unit: unitText(unit)})));
}

// ticks labels the y axis of a national chart with one scale for all ticks
// (Gt, Mt, million...), chosen from the largest.
function ticks(splits, unit) {
  const big = Math.max(...splits.map(Math.abs));
  const q = quantity(big, unit);
  if (q.div) return splits.map((v) => `${num(v / q.div, 2)}${q.tail}`);
  return splits.map((v) => quantity(v, unit).text);
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
    slot.replaceChildren(h('h2', {id: 'pledge-h'}, t('countries:pledges')), errorBox(e));
    return;
  }
  const column = (name, rep) => h('div', {class: 'pledge-col'}, h('h3', {}, name),
    rep.pledges.length ? rep.pledges.map(pledgeCard) : h('p', {class: 'muted'}, t('countries:noPledge')));
  slot.replaceChildren(h('h2', {id: 'pledge-h'}, t('countries:pledges')),
    h('p', {class: 'muted'}, t('countries:peakRule', {rule: pa.rule})),
    h('div', {class: 'pledges'}, column(na, pa), column(nb, pb)));
}

// enumText names a value of one of the pledge registry's enumerations
// (countries:<group>.<value>) in the page's language; a value the catalog
// does not know is shown as the registry writes it.
function enumText(group, value, known) {
  return known.includes(value) ? t(`countries:${group}.${value}`) : value;
}

function pledgeCard(r) {
  const p = r.pledge;
  const target = p.target || {};
  const measurable = r.measurable === 'not measurable' ? 'none' : r.measurable;
  const coverage = enumText('measurable', measurable, ['direct', 'proxy', 'none']);
  const gas = p.gas && p.gas !== 'none' ? enumText('gas', p.gas, ['co2', 'ghg', 'net-ghg', 'ch4', 'coal']) : null;
  const when = ['before', 'by', 'in'].includes(target.when) ? target.when : 'by';
  return h('article', {class: 'pledge'},
    h('h4', {}, p.title),
    h('p', {class: 'small'}, [enumText('kind', p.kind, ['peak', 'reduction', 'neutrality', 'net-zero', 'control', 'plan', 'withdrawal']), gas,
      target.year ? t(`countries:targetWhen.${when}`, {year: target.year}) : null,
      t('countries:announced', {date: dateText(p.announced)})]
      .filter(Boolean).join(' · '), ' ', h('span', {class: `badge status-${p.status}`}, enumText('status', p.status, ['active', 'withdrawn', 'superseded'])),
    ' ', h('span', {class: `badge ${r.measurable}`}, coverage)),
    (r.measurements || []).map((m) => h('div', {class: 'measure'},
      h('p', {}, m.summary),
      m.caveat && r.measurable === 'proxy' ? null : (m.caveat ? h('p', {class: 'muted small'}, m.caveat) : null),
      sourceNote(m.source))),
    p.source ? h('p', {class: 'small'}, t('countries:pledgeSource'),
      p.source.url ? h('a', {href: p.source.url, rel: 'noopener'}, p.source.title) : p.source.title,
      p.source.publisher ? `, ${p.source.publisher}` : '', p.source.date ? `, ${p.source.date}` : '') : null);
}
