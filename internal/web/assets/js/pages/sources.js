// Provenance: the datasets (GET /api/datasets) and the history of their
// versions (GET /api/versions): producer, licence, file sha256, retrieval
// and ingest times.

import {get, link} from '../api.js';
import {h, num} from '../dom.js';
import {t, locale} from '../i18n.js';
import {table, select} from '../ui.js';

// stamp writes an RFC 3339 time of the API as its date and time in UTC in
// the current language ("10 Aug 2026, 06:12 UTC", "2026年8月10日 06:12 [UTC]").
function stamp(s) {
  const d = s ? new Date(s) : null;
  if (!d || Number.isNaN(d.getTime())) return s || '';
  return new Intl.DateTimeFormat(locale(), {dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC'}).format(d);
}

export async function render(main, ctx) {
  const state = {dataset: ctx.params.get('dataset') || ''};
  const jsonLink = h('a', {href: link('/api/versions', {dataset: state.dataset})}, '/api/versions');
  main.append(h('h1', {}, t('sources:title')),
    h('p', {class: 'lede'}, t('sources:lede'),
      h('a', {href: link('/api/datasets')}, '/api/datasets'), t('sources:and'), jsonLink, '.'));
  const datasets = await get('/api/datasets');
  const slot = h('div', {});
  const draw = async () => {
    ctx.setParams({dataset: state.dataset});
    jsonLink.href = link('/api/versions', {dataset: state.dataset});
    const versions = await get('/api/versions', {dataset: state.dataset});
    const shown = state.dataset ? datasets.filter((d) => d.id === state.dataset) : datasets;
    const col = (k) => t(`sources:col.${k}`);
    slot.replaceChildren(h('h2', {}, t('sources:datasets')),
      table(null, ['dataset', 'title', 'producer', 'licence', 'version'].map(col), shown.map((d) => [
        h('code', {}, d.id), d.title, d.producer, d.licence, d.version,
      ]), {cls: 'sources'}),
      h('h2', {}, t('sources:versions')),
      table(null, [col('dataset'), col('version'), 'sha256', col('rows'), col('retrieved'), col('ingested'), col('current')], versions.map((v) => [
        h('code', {}, v.dataset), v.version, h('code', {title: v.sha256}, v.sha256.slice(0, 12) + '…'), num(v.rows),
        stamp(v.retrieved), stamp(v.ingested), v.current ? t('common:yes') : t('common:no'),
      ]), {numeric: [3], cls: 'sources'}));
  };
  main.append(h('form', {class: 'controls', onsubmit: (e) => e.preventDefault()},
    select(t('sources:col.dataset'), 'dataset', [['', t('sources:all')], ...datasets.map((d) => [d.id, d.id])], state.dataset, (v) => {
      state.dataset = v;
      draw();
    })), slot);
  await draw();
}
