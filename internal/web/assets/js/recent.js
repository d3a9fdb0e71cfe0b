// Records of the recent past (GET /api/events/recent): runs of consecutive
// records read as one line each, and the "What is new" panel of the
// overview (the latest record of each kind per vital sign). Records found
// when the data were first loaded are shown here, marked as such; they are
// never pushed to webhooks or the feed.

import {get, titleOf} from './api.js';
import {h, dateText, num, nf, unitSuffix} from './dom.js';
import {t} from './i18n.js';

// kindName names a kind of record for people (common:recent.<kind>).
function kindName(kind) {
  return ['record-day', 'record-month', 'record-all-time', 'streak', 'year-extreme'].includes(kind) ? t(`common:recent.${kind}`) : kind;
}

// span writes a count of days, weeks, months or years ("66 days", "66
// 天") with Intl's unit names.
function span(count, unit) {
  return nf({style: 'unit', unit, unitDisplay: 'long'}).format(count);
}

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
  const steps = r.last.length === 4 ? 'year' : r.last.length === 7 ? 'month' : r.frequency === 'weekly' ? 'week' : 'day';
  return t('common:recent.period', {from: dateText(r.first), to: dateText(r.last), span: span(r.count, steps)});
}

// marginText writes a run's best margin with its unit: "by up to 0.100 °C"
// (one event: "by 0.100 °C"); streak runs count days.
function marginText(r) {
  if (r.best_margin === null || r.best_margin === undefined || r.kind === 'streak') return '';
  return t(r.count > 1 ? 'common:recent.byUpTo' : 'common:recent.by', {margin: num(r.best_margin, 4) + unitSuffix(r.unit)});
}

// sourceText names where a run's numbers come from.
function sourceText(r) {
  const s = r.source || {};
  const producer = s.producer || s.dataset;
  return (s.title ? t('common:recent.sourceTitle', {producer, title: s.title}) : t('common:recent.source', {producer})) +
    (s.producer_version ? t('common:recent.sourceVersion', {version: s.producer_version}) : '');
}

// firstLoadBadge marks a run found when the data were first loaded.
function firstLoadBadge(r) {
  return r.first_load
    ? h('span', {class: 'badge first-load', title: t('common:recent.badgeTitle')}, t('common:recent.badge'))
    : null;
}

// runItem renders one run as a list item.
export function runItem(r) {
  return h('li', {class: 'run', 'data-indicator': r.indicator, 'data-kind': r.kind, 'data-first': r.first, 'data-last': r.last, 'data-count': r.count},
    h('a', {href: `#/indicator/${encodeURIComponent(r.indicator)}`}, titleOf(r.indicator, r.title)), ' · ',
    h('time', {datetime: r.last}, periodText(r)), ': ', r.sentence, ' ', firstLoadBadge(r),
    h('span', {class: 'muted source'}, ` — ${sourceText(r)}`));
}

// whatsNew renders the overview's first panel: per vital sign, the latest
// record of each kind with its date and margin, linking to the indicator.
export function whatsNew(res) {
  const rows = res.latest.map((l) => h('article', {class: 'new-card', 'data-recent': l.indicator},
    h('h3', {}, h('a', {href: `#/indicator/${encodeURIComponent(l.indicator)}`}, titleOf(l.indicator, l.title))),
    h('ul', {class: 'latest-records'}, l.records.map((r) => h('li', {'data-kind': r.kind, 'data-last': r.last},
      h('strong', {}, r.streak && r.kind !== 'streak' && r.count > 1 ? t('common:recent.inARow', {kind: kindName(r.kind), count: nf().format(r.count)}) : kindName(r.kind)), ': ',
      h('time', {datetime: r.last}, periodText(r)), ' ',
      `${num(r.value)}${unitSuffix(r.unit)}`, ' ', marginText(r), ' ', firstLoadBadge(r),
      h('span', {class: 'muted source'}, ` ${sourceText(r)}`))))));
  return h('section', {class: 'panel whats-new', 'aria-labelledby': 'ov-new'},
    h('h2', {id: 'ov-new'}, t('common:recent.title', {window: windowText(res.recent)})),
    h('p', {class: 'muted'}, t('common:recent.intro'), t('common:recent.intro2'),
      h('a', {href: '#/events'}, t('common:recent.all'))),
    rows.length ? h('div', {class: 'cards new-cards'}, rows) : h('p', {}, t('common:recent.none', {window: windowText(res.recent)})));
}

// windowText writes "12m" as "12 months" ("12 個月").
export function windowText(w) {
  const m = /^(\d+)([dmy])$/.exec(w || '');
  if (!m) return w;
  return span(+m[1], {d: 'day', m: 'month', y: 'year'}[m[2]]);
}
