// The top 20 countries by a national indicator (GET /api/rank/{id}): value,
// share of the world and change on the year before, for a year or summed
// since a year (cumulative emissions).

import {get, link, sourceNote, titleOf} from '../api.js';
import {h, pct, signedPct, quantity, unitText, csvBlobURL, countryName, nf} from '../dom.js';
import {t} from '../i18n.js';
import {select, checkbox, table, errorBox} from '../ui.js';

export async function render(main, ctx) {
  const state = {
    id: ctx.params.get('id') || 'co2.emissions',
    year: ctx.params.get('year') || '',
    cumulative: ctx.params.get('cumulative') === '1',
  };
  main.append(h('h1', {}, t('rankings:title')),
    h('p', {class: 'lede'}, t('rankings:lede')));
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
      select(t('rankings:indicator'), 'id', indicators.map((r) => [r.indicator, titleOf(r.indicator, r.title)]), state.id, (v) => {
        state.id = v;
        state.year = '';
        state.cumulative = false;
        draw().then(() => controls.querySelector('select[name=id]').focus());
      }),
      select(state.cumulative ? t('rankings:upTo') : t('rankings:year'), 'year', [['', t('rankings:latest')], ...years.map((y) => [y, String(y)])], state.year, (v) => {
        state.year = v;
        draw().then(() => controls.querySelector('select[name=year]').focus());
      }),
      /\.emissions$/.test(state.id)
        ? checkbox(t('rankings:cumulative'), 'cumulative', state.cumulative, (v) => {
          state.cumulative = v;
          draw().then(() => controls.querySelector('input[name=cumulative]').focus());
        })
        : null);
    body.replaceChildren(h('p', {class: 'loading'}, t('common:loading')));
    let rk;
    try {
      rk = await get(`/api/rank/${encodeURIComponent(state.id)}`, {top: 20, year: state.year, cumulative: state.cumulative ? 'true' : ''});
    } catch (e) {
      body.replaceChildren(errorBox(e));
      return;
    }
    const max = Math.max(...rk.ranking.map((r) => r.share_of_world || 0), 1);
    const title = info ? titleOf(info.indicator, info.title) : state.id;
    const what = rk.cumulative ? t('rankings:whatCumulative', {title, since: rk.since ?? '', year: rk.year}) : t('rankings:whatYear', {title, year: rk.year});
    const rows = rk.ranking.map((r) => {
      const q = quantity(r.value, rk.unit);
      return [nf().format(r.rank),
        h('a', {href: `#/countries?a=${r.entity}&b=${r.entity === 'USA' ? 'CHN' : 'USA'}`}, countryName(r.entity, r.name)), h('span', {title: q.exact}, q.text),
        r.share_of_world === null || r.share_of_world === undefined ? '–'
          : h('span', {class: 'share'}, h('span', {class: 'bar', style: `width:${(100 * r.share_of_world / max).toFixed(1)}%`}), pct(r.share_of_world)),
        r.change_from_previous_year_pct === null || r.change_from_previous_year_pct === undefined ? '–' : signedPct(r.change_from_previous_year_pct, 1)];
    });
    const csv = csvBlobURL([['rank', 'entity', 'name', 'value', 'unit', 'share_of_world_pct', 'change_from_previous_year_pct', 'dataset', 'version', 'sha256'],
      ...rk.ranking.map((r) => [r.rank, r.entity, r.name, r.value, rk.unit, r.share_of_world ?? '', r.change_from_previous_year_pct ?? '',
        rk.source.dataset, rk.source.version, rk.source.sha256])]);
    body.replaceChildren(
      h('h2', {}, what),
      h('p', {}, t('rankings:world', {total: quantity(rk.world_value, rk.unit).text, basis: rk.world_basis, count: rk.countries, unit: unitText(rk.unit)})),
      table(t('rankings:caption', {n: rk.ranking.length, what}), ['rank', 'country', 'value', 'share', 'change'].map((k) => t(`rankings:col.${k}`)), rows, {numeric: [0, 2, 4], cls: 'ranking'}),
      h('p', {class: 'downloads'}, t('common:download'), ': ', h('a', {href: csv, download: `${state.id}-top20-${rk.year}.csv`}, 'CSV'), ' · ',
        h('a', {href: link(`/api/rank/${encodeURIComponent(state.id)}`, {top: 20, year: state.year, cumulative: state.cumulative ? 'true' : ''})}, 'JSON')),
      sourceNote(rk.source));
  };
  await draw();
}
