// The list of stored indicators (GET /api/indicators), grouped into global
// and national ones, each with its coverage and source.

import {get, sourceNote, titleOf} from '../api.js';
import {h, unitText} from '../dom.js';
import {table} from '../ui.js';
import {t} from '../i18n.js';

// indicatorRoute is the route argument of a global indicator's page: its
// id, or id@version for a version other than the default.
function indicatorRoute(r) {
  const id = encodeURIComponent(r.indicator);
  return r.default ? id : `${id}@${encodeURIComponent(r.version)}`;
}

// freqText names a frequency of the API (daily, monthly...) in the current
// language; an unknown one is shown as the API writes it.
export function freqText(f) {
  return ['daily', 'weekly', 'monthly', 'annual', 'irregular'].includes(f) ? t(`indicators:freq.${f}`) : f;
}

export async function render(main) {
  main.append(h('h1', {}, t('indicators:title')),
    h('p', {class: 'lede'}, t('indicators:lede')));
  const list = await get('/api/indicators');
  const row = (r) => [
    h('a', {href: r.national ? `#/rankings?id=${encodeURIComponent(r.indicator)}` : `#/indicator/${indicatorRoute(r)}`},
      r.indicator + (r.default ? '' : `@${r.version}`)),
    titleOf(r.indicator, r.title), unitText(r.unit), freqText(r.frequency), t('indicators:range', {from: r.first, to: r.last}),
    h('span', {class: 'small'}, sourceNote(r.source)),
  ];
  const global = list.filter((r) => !r.national && r.default);
  const national = list.filter((r) => r.national && r.default);
  const other = list.filter((r) => !r.default);
  const head = ['indicator', 'title', 'unit', 'frequency', 'coverage', 'source'].map((k) => t(`indicators:col.${k}`));
  main.append(h('h2', {}, t('indicators:global')),
    table(null, head, global.map(row), {cls: 'indicators'}),
    h('h2', {}, t('indicators:national')),
    table(null, head, national.map(row), {cls: 'indicators'}));
  if (other.length) {
    main.append(h('h2', {}, t('indicators:other')),
      table(null, head, other.map(row), {cls: 'indicators'}));
  }
}
