// Provenance: the datasets (GET /api/datasets) and the history of their
// versions (GET /api/versions): producer, licence, file sha256, retrieval
// and ingest times.

import {get, url} from '../api.js';
import {h, num} from '../dom.js';
import {table, select} from '../ui.js';

export async function render(main, ctx) {
  const state = {dataset: ctx.params.get('dataset') || ''};
  const jsonLink = h('a', {href: url('/api/versions', {dataset: state.dataset})}, '/api/versions');
  main.append(h('h1', {}, 'Sources and versions'),
    h('p', {class: 'lede'}, 'Every number on this dashboard names one of these dataset versions. The same lists as JSON: ',
      h('a', {href: '/api/datasets'}, '/api/datasets'), ' and ', jsonLink, '.'));
  const datasets = await get('/api/datasets');
  const slot = h('div', {});
  const draw = async () => {
    ctx.setParams({dataset: state.dataset});
    jsonLink.href = url('/api/versions', {dataset: state.dataset});
    const versions = await get('/api/versions', {dataset: state.dataset});
    const shown = state.dataset ? datasets.filter((d) => d.id === state.dataset) : datasets;
    slot.replaceChildren(h('h2', {}, 'Datasets'),
      table(null, ['Dataset', 'Title', 'Producer', 'Licence', 'Version'], shown.map((d) => [
        h('code', {}, d.id), d.title, d.producer, d.licence, d.version,
      ]), {cls: 'sources'}),
      h('h2', {}, 'Versions, newest first'),
      table(null, ['Dataset', 'Version', 'sha256', 'Rows', 'Retrieved', 'Ingested', 'Current'], versions.map((v) => [
        h('code', {}, v.dataset), v.version, h('code', {title: v.sha256}, v.sha256.slice(0, 12) + '…'), num(v.rows),
        (v.retrieved || '').slice(0, 19).replace('T', ' '), (v.ingested || '').slice(0, 19).replace('T', ' '), v.current ? 'yes' : 'no',
      ]), {numeric: [3], cls: 'sources'}));
  };
  main.append(h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()},
    select('Dataset', 'dataset', [['', 'All datasets'], ...datasets.map((d) => [d.id, d.id])], state.dataset, (v) => {
      state.dataset = v;
      draw();
    })), slot);
  await draw();
}
