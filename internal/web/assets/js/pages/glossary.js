// The glossary (GET /api/glossary): the reviewed renderings of indicator
// names, units and scientific terms in the three languages, grouped by the
// prefix of their id ("unit:", "term:", "indicator:"...), with a filter
// over every language and the note that justifies each rendering. The
// answer is {terms: [{id, en, 'zh-Hant', 'zh-Hans', note}], source}.

import {get} from '../api.js';
import {h} from '../dom.js';
import {errorBox, table} from '../ui.js';
import {t, lang, LANGS, NAMES} from '../i18n.js';

// groupOrder is the order of the sections; ids with another prefix go
// under "other".
const groupOrder = ['term', 'unit', 'indicator', 'kind', 'entity'];

export async function render(main, ctx) {
  main.append(h('h1', {}, t('glossary:title')), h('p', {class: 'lede'}, t('glossary:lede')));
  let res;
  try {
    res = await get('/api/glossary', {}, {version: false, optional: true});
  } catch (e) {
    main.append(errorBox(e, t('glossary:error')));
    return;
  }
  if (ctx.stale()) return;
  if (!res || !Array.isArray(res.terms)) {
    main.append(h('p', {}, t('glossary:missing')));
    return;
  }
  // The reader's language comes first after the key; the others follow.
  const order = [lang(), ...LANGS.filter((l) => l !== lang())];
  const q0 = ctx.params.get('q') || '';
  const slot = h('div', {});
  const status = h('p', {class: 'muted', role: 'status'});
  const input = h('input', {type: 'search', id: 'glossary-q', name: 'q', value: q0, autocomplete: 'off'});
  const draw = (q) => {
    const needle = q.trim().toLowerCase();
    const match = (term) => !needle || [term.id, term.note, ...LANGS.map((l) => term[l])]
      .some((s) => String(s || '').toLowerCase().includes(needle));
    const shown = res.terms.filter(match);
    const groups = new Map();
    for (const term of shown) {
      const prefix = term.id.includes(':') ? term.id.slice(0, term.id.indexOf(':')) : '';
      const g = groupOrder.includes(prefix) ? prefix : 'other';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(term);
    }
    const sections = [...groupOrder, 'other'].filter((g) => groups.has(g)).map((g) => h('section', {'aria-labelledby': `gl-${g}`},
      h('h2', {id: `gl-${g}`}, t(`glossary:group.${g}`)),
      table(null, [t('glossary:col.id'), ...order.map((l) => h('span', {lang: l}, NAMES[l])), t('glossary:col.note')],
        groups.get(g).map((term) => [h('code', {}, term.id.slice(term.id.indexOf(':') + 1)),
          ...order.map((l) => h('span', {lang: l, 'data-lang': l}, term[l] || '–')),
          h('span', {class: 'small', lang: 'en'}, term.note || '')]), {cls: 'glossary'})));
    slot.replaceChildren(...sections);
    status.textContent = shown.length ? t('glossary:count', {count: shown.length}) : t('glossary:none', {q});
  };
  let timer = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      ctx.setParams({q: input.value});
      draw(input.value);
    }, 150);
  });
  main.append(h('form', {class: 'controls glossary-filter', role: 'search', onsubmit: (e) => e.preventDefault()},
    h('div', {class: 'field'}, h('label', {for: 'glossary-q'}, t('glossary:filter')), input)),
  status, slot);
  const source = (res.sources && res.sources[lang()]) || res.source;
  if (source) main.append(h('p', {class: 'small muted'}, t('glossary:source', {source})));
  draw(q0);
}
