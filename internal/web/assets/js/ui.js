// Page widgets shared by several pages: labelled selectors, error boxes,
// tables and the event list.

import {h, dateText, num, unitSuffix} from './dom.js';
import {ApiError, get} from './api.js';
import {t} from './i18n.js';

let uid = 0;

// select renders a labelled <select>. options: [value, text] pairs;
// onChange receives the new value.
export function select(label, name, options, value, onChange) {
  const id = `sel-${name}-${++uid}`;
  const el = h('select', {id, name, onchange: (e) => onChange(e.target.value)},
    options.map(([v, t]) => h('option', {value: v, selected: String(v) === String(value)}, t)));
  return h('div', {class: 'field'}, h('label', {for: id}, label), el);
}

// checkbox renders a labelled check box.
export function checkbox(label, name, checked, onChange) {
  const id = `chk-${name}-${++uid}`;
  return h('div', {class: 'field field-check'},
    h('input', {type: 'checkbox', id, name, checked, onchange: (e) => onChange(e.target.checked)}),
    h('label', {for: id}, label));
}

// errorBox explains a failed request in the page.
export function errorBox(e, what) {
  let msg;
  if (e instanceof ApiError) {
    msg = e.status === 0 ? e.message : t('common:error.api', {status: e.status, message: e.message});
  } else {
    msg = t('common:error.other', {message: e.message});
  }
  return h('p', {class: 'error', role: 'alert'}, what ? t('common:error.what', {what, message: msg}) : msg);
}

// table renders a simple data table; the first cell of each row is its
// header cell. numeric: indexes of right-aligned columns.
export function table(caption, head, rows, {numeric = [], cls = ''} = {}) {
  const align = (i) => (numeric.includes(i) ? 'num' : null);
  return h('div', {class: 'table-wrap'},
    h('table', {class: cls},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, head.map((c, i) => h('th', {scope: 'col', class: align(i)}, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) =>
        i === 0 ? h('th', {scope: 'row', class: align(i)}, c) : h('td', {class: align(i)}, c)))))));
}

// loading is a placeholder replaced when the content arrives.
export function loading(text = t('common:loading')) {
  return h('p', {class: 'loading'}, text);
}

// eventItem renders one record event of /api/events.
export function eventItem(e) {
  const text = e.sentence || t('common:event.fallback', {indicator: e.indicator, kind: e.kind, direction: e.direction, date: dateText(e.date), value: num(e.value) + unitSuffix(e.unit)});
  return h('li', {class: e.retracted ? 'event retracted' : 'event', 'data-event': e.id},
    h('a', {href: `#/indicator/${encodeURIComponent(e.indicator)}`}, e.indicator), ' · ',
    h('time', {datetime: e.date}, dateText(e.date)), ': ', text,
    e.retracted ? h('span', {class: 'badge'}, t('common:event.retracted', {reason: e.retraction_reason || t('common:event.revised')})) : null,
    e.version && e.version.sha256
      ? h('span', {class: 'muted'}, ` — ${e.dataset} ${e.version.producer_version || ''}, sha256 ${e.version.sha256.slice(0, 12)}…`)
      : null);
}

// recentEvents fetches the newest record events; null when the endpoint
// does not exist (404) on this server.
export function recentEvents(limit) {
  return get('/api/events', {limit}, {version: false, optional: true});
}
