// Records of the recent past (GET /api/events/recent): runs of consecutive
// records read as one line each, and the "What is new" panel of the
// overview (the latest record of each kind per vital sign). Records found
// when the data were first loaded are shown here, marked as such; they are
// never pushed to webhooks or the feed.

import {get} from './api.js';
import {h, dateText, num, unitSuffix} from './dom.js';

// kindNames names the kinds of records for people.
const kindNames = {
  'record-day': 'Record for the date',
  'record-month': 'Record for the month',
  'record-all-time': 'All-time record',
  'streak': 'Record streak',
  'year-extreme': 'Annual extreme',
};

// recentRecords fetches the recent records (window e.g. "12m"; indicators
// an optional list of ids); null when the server lacks the endpoint.
export function recentRecords(window, indicators) {
  const params = {recent: window};
  if (indicators && indicators.length) params.indicator = indicators.join(',');
  return get('/api/events/recent', params, {version: false, optional: true});
}

// periodText writes a run's dates: "2 June – 6 August 2026 (66 days)" or
// one date.
function periodText(r) {
  if (r.count < 2) return dateText(r.last);
  const steps = r.last.length === 4 ? 'years' : r.last.length === 7 ? 'months' : r.frequency === 'weekly' ? 'weeks' : 'days';
  return `${dateText(r.first)} – ${dateText(r.last)} (${r.count} ${steps})`;
}

// marginText writes a run's best margin with its unit: "by up to 0.100 °C"
// (one event: "by 0.100 °C"); streak runs count days.
function marginText(r) {
  if (r.best_margin === null || r.best_margin === undefined || r.kind === 'streak') return '';
  return `${r.count > 1 ? 'by up to' : 'by'} ${num(r.best_margin, 4)}${unitSuffix(r.unit)}`;
}

// sourceText names where a run's numbers come from.
function sourceText(r) {
  const s = r.source || {};
  return `Source: ${s.producer || s.dataset}${s.title ? ', ' + s.title : ''}${s.producer_version ? ' (version ' + s.producer_version + ')' : ''}`;
}

// firstLoadBadge marks a run found when the data were first loaded.
function firstLoadBadge(r) {
  return r.first_load
    ? h('span', {class: 'badge first-load', title: 'Found by the first scan of the data: shown here, never pushed to webhooks or the feed'}, 'found at first load')
    : null;
}

// runItem renders one run as a list item.
export function runItem(r) {
  return h('li', {class: 'run', 'data-indicator': r.indicator, 'data-kind': r.kind, 'data-first': r.first, 'data-last': r.last, 'data-count': r.count},
    h('a', {href: `#/indicator/${encodeURIComponent(r.indicator)}`}, r.title), ' · ',
    h('time', {datetime: r.last}, periodText(r)), ': ', r.sentence, ' ', firstLoadBadge(r),
    h('span', {class: 'muted source'}, ` — ${sourceText(r)}`));
}

// whatsNew renders the overview's first panel: per vital sign, the latest
// record of each kind with its date and margin, linking to the indicator.
export function whatsNew(res) {
  const rows = res.latest.map((l) => h('article', {class: 'new-card', 'data-recent': l.indicator},
    h('h3', {}, h('a', {href: `#/indicator/${encodeURIComponent(l.indicator)}`}, l.title)),
    h('ul', {class: 'latest-records'}, l.records.map((r) => h('li', {'data-kind': r.kind, 'data-last': r.last},
      h('strong', {}, r.streak && r.kind !== 'streak' && r.count > 1 ? `${kindNames[r.kind]}, ${r.count} in a row` : kindNames[r.kind] || r.kind), ': ',
      h('time', {datetime: r.last}, periodText(r)), ' ',
      `${num(r.value)}${unitSuffix(r.unit)}`, ' ', marginText(r), ' ', firstLoadBadge(r),
      h('span', {class: 'muted source'}, ` ${sourceText(r)}`))))));
  return h('section', {class: 'panel whats-new', 'aria-labelledby': 'ov-new'},
    h('h2', {id: 'ov-new'}, `What is new: records of the last ${windowText(res.recent)}`),
    h('p', {class: 'muted'}, 'The latest record of each kind per vital sign, counted back from each series\' latest value. ',
      'Records marked “found at first load” were in the data when they were first loaded; only records found later are pushed to webhooks and the Atom feed. ',
      h('a', {href: '#/events'}, 'All recent records')),
    rows.length ? h('div', {class: 'cards new-cards'}, rows) : h('p', {}, `No record in the last ${windowText(res.recent)} of any vital sign.`));
}

// windowText writes "12m" as "12 months".
export function windowText(w) {
  const m = /^(\d+)([dmy])$/.exec(w || '');
  if (!m) return w;
  return `${m[1]} ${{d: 'days', m: 'months', y: 'years'}[m[2]]}`;
}
