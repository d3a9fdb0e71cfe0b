// The top 20 countries by a national indicator (GET /api/rank/{id}): value,
// share of the world and change on the year before, for a year or summed
// since a year (cumulative emissions).

import {get, url, sourceNote} from '../api.js';
import {h, pct, signed, quantity, unitText, csvBlobURL} from '../dom.js';
import {select, checkbox, table, errorBox} from '../ui.js';

export async function render(main, ctx) {
  const state = {
    id: ctx.params.get('id') || 'co2.emissions',
    year: ctx.params.get('year') || '',
    cumulative: ctx.params.get('cumulative') === '1',
  };
  main.append(h('h1', {}, 'Rankings'),
    h('p', {class: 'lede'}, 'The 20 countries with the largest values of a national indicator. Aggregates (World, continents, the EU) are not ranked; ' +
      'the world total is the denominator of shares.'));
  const indicators = (await get('/api/indicators')).filter((r) => r.national && r.default);
  const controls = h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()});
  const body = h('div', {});
  main.append(controls, body);
  const draw = async () => {
    ctx.setParams({id: state.id, year: state.year, cumulative: state.cumulative ? '1' : ''});
    const info = indicators.find((r) => r.indicator === state.id);
    const years = [];
    if (info) for (let y = +info.last; y >= +info.first; y--) years.push(y);
    controls.replaceChildren(
      select('Indicator', 'id', indicators.map((r) => [r.indicator, r.title]), state.id, (v) => {
        state.id = v;
        state.year = '';
        state.cumulative = false;
        draw().then(() => controls.querySelector('select[name=id]').focus());
      }),
      select(state.cumulative ? 'Up to year' : 'Year', 'year', [['', 'Latest'], ...years.map((y) => [y, String(y)])], state.year, (v) => {
        state.year = v;
        draw().then(() => controls.querySelector('select[name=year]').focus());
      }),
      /\.emissions$/.test(state.id)
        ? checkbox('Cumulative (sum since the first year)', 'cumulative', state.cumulative, (v) => {
          state.cumulative = v;
          draw().then(() => controls.querySelector('input[name=cumulative]').focus());
        })
        : null);
    body.replaceChildren(h('p', {class: 'loading'}, 'Loading…'));
    let rk;
    try {
      rk = await get(`/api/rank/${encodeURIComponent(state.id)}`, {top: 20, year: state.year, cumulative: state.cumulative ? 'true' : ''});
    } catch (e) {
      body.replaceChildren(errorBox(e));
      return;
    }
    const max = Math.max(...rk.ranking.map((r) => r.share_of_world || 0), 1);
    const what = `${info ? info.title : state.id}${rk.cumulative ? `, cumulative ${rk.since ?? ''}–${rk.year}` : `, ${rk.year}`}`;
    const rows = rk.ranking.map((r) => {
      const q = quantity(r.value, rk.unit);
      return [String(r.rank),
        h('a', {href: `#/countries?a=${r.entity}&b=${r.entity === 'USA' ? 'CHN' : 'USA'}`}, r.name), h('span', {title: q.exact}, q.text),
        r.share_of_world === null || r.share_of_world === undefined ? '–'
          : h('span', {class: 'share'}, h('span', {class: 'bar', style: `width:${(100 * r.share_of_world / max).toFixed(1)}%`}), pct(r.share_of_world)),
        r.change_from_previous_year_pct === null || r.change_from_previous_year_pct === undefined ? '–' : signed(r.change_from_previous_year_pct, 1) + '%'];
    });
    const csv = csvBlobURL([['rank', 'entity', 'name', 'value', 'unit', 'share_of_world_pct', 'change_from_previous_year_pct', 'dataset', 'version', 'sha256'],
      ...rk.ranking.map((r) => [r.rank, r.entity, r.name, r.value, rk.unit, r.share_of_world ?? '', r.change_from_previous_year_pct ?? '',
        rk.source.dataset, rk.source.version, rk.source.sha256])]);
    body.replaceChildren(
      h('h2', {}, what),
      h('p', {}, `World total: ${quantity(rk.world_value, rk.unit).text} (${rk.world_basis}); ${rk.countries} countries ranked. Unit: ${unitText(rk.unit)}.`),
      table(`Top ${rk.ranking.length}: ${what}`, ['Rank', 'Country', 'Value', 'Share of world', 'Change on the year before'], rows, {numeric: [0, 2, 4], cls: 'ranking'}),
      h('p', {class: 'downloads'}, 'Download: ', h('a', {href: csv, download: `${state.id}-top20-${rk.year}.csv`}, 'CSV'), ' · ',
        h('a', {href: url(`/api/rank/${encodeURIComponent(state.id)}`, {top: 20, year: state.year, cumulative: state.cumulative ? 'true' : ''})}, 'JSON')),
      sourceNote(rk.source));
  };
  await draw();
}
