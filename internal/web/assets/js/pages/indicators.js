// The list of stored indicators (GET /api/indicators), grouped into global
// and national ones, each with its coverage and source.

import {get, sourceNote} from '../api.js';
import {h, unitText} from '../dom.js';
import {table} from '../ui.js';

// indicatorRoute is the route argument of a global indicator's page: its
// id, or id@version for a version other than the default.
function indicatorRoute(r) {
  const id = encodeURIComponent(r.indicator);
  return r.default ? id : `${id}@${encodeURIComponent(r.version)}`;
}

export async function render(main) {
  main.append(h('h1', {}, 'Indicators'),
    h('p', {class: 'lede'}, 'Every stored indicator with its unit, frequency, coverage and source. ' +
      'Global indicators open their chart; national ones open their ranking.'));
  const list = await get('/api/indicators');
  const row = (r) => [
    h('a', {href: r.national ? `#/rankings?id=${encodeURIComponent(r.indicator)}` : `#/indicator/${indicatorRoute(r)}`},
      r.indicator + (r.default ? '' : `@${r.version}`)),
    r.title, unitText(r.unit), r.frequency, `${r.first} – ${r.last}`,
    h('span', {class: 'small'}, sourceNote(r.source)),
  ];
  const global = list.filter((r) => !r.national && r.default);
  const national = list.filter((r) => r.national && r.default);
  const other = list.filter((r) => !r.default);
  main.append(h('h2', {}, 'Global'),
    table(null, ['Indicator', 'Title', 'Unit', 'Frequency', 'Coverage', 'Source'], global.map(row), {cls: 'indicators'}),
    h('h2', {}, 'National'),
    table(null, ['Indicator', 'Title', 'Unit', 'Frequency', 'Coverage', 'Source'], national.map(row), {cls: 'indicators'}));
  if (other.length) {
    main.append(h('h2', {}, 'Other versions'),
      table(null, ['Indicator', 'Title', 'Unit', 'Frequency', 'Coverage', 'Source'], other.map(row), {cls: 'indicators'}));
  }
}
