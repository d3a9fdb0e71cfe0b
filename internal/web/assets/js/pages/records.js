// The records of one year (GET /api/records/{id}?year=Y): the days (or
// months) that set a record for their date, the all-time records, the ties
// and the streaks. Shared by the daily and the monthly indicator pages.

import {get, link, sourceNote} from '../api.js';
import {h, num, signed, dateText as calendarText, seasonText, unitSuffix, csvBlobURL} from '../dom.js';
import {errorBox, table} from '../ui.js';
import {t} from '../i18n.js';

// renderRecords fills slot with the records of year. opts: id, year, kind
// (max or min), smooth (daily only), unit, frequency, seasonal (a
// three-month series, whose periods are named by season: "MJJ 2026").
export async function renderRecords(slot, {id, year, kind, smooth, unit, frequency, seasonal = false}) {
  const dateText = (d) => (seasonal ? seasonText(d) : calendarText(d));
  slot.replaceChildren(h('p', {class: 'loading'}, t('indicator:rec.loading', {year})));
  let res;
  try {
    res = await get(`/api/records/${encodeURIComponent(id)}`, {year, kind, smooth: smooth && smooth !== 'none' ? smooth : ''});
  } catch (e) {
    slot.replaceChildren(errorBox(e, t('indicator:rec.error', {year})));
    return null;
  }
  const word = res.kind === 'min' ? t('indicator:low') : t('indicator:high');
  // Per: the step of the series, which names the messages (Day, Month,
  // Year).
  const per = frequency === 'daily' ? 'Day' : frequency === 'monthly' ? 'Month' : 'Year';
  const u = unitSuffix(unit);
  const rows = res.record_days.map((d) => [
    h('time', {datetime: d.date}, dateText(d.date)),
    num(d.value) + u,
    d.previous ? `${num(d.previous.value)}${u} (${d.previous.date.slice(0, 4)})` : t('indicator:rec.firstValue'),
    d.previous ? signed(d.value - d.previous.value, 3) : '–',
  ]);
  const out = [];
  out.push(h('p', {class: 'records-summary'},
    h('strong', {}, `${res.record_days.length}`),
    t(`indicator:rec.summary${per}`, {count: res.record_days.length, year, hl: word}),
    res.tied_days.length ? t('indicator:rec.tied', {count: res.tied_days.length}) : '',
    res.all_time_records.length ? t('indicator:rec.allTime', {count: res.all_time_records.length, hl: word}) : '',
    res.smoothing && res.smoothing !== 'none' ? t('indicator:rec.smoothing', {smoothing: res.smoothing}) : '',
    t('indicator:rec.end')));
  // Ties are never records; they are listed with the value they equalled
  // (equal at the producer's published precision).
  const forWhat = t(`indicator:rec.for${per === 'Day' ? 'Date' : per}`);
  const ties = [...res.tied_days.map((d) => [forWhat, d]),
    ...res.tied_all_time.map((d) => [t('indicator:rec.allTimeWhat'), d])];
  if (ties.length) {
    out.push(h('p', {class: 'ties'}, t('indicator:rec.tiesLead'), ties.map(([what, d], i) =>
      [i ? t('indicator:rec.sep') : '', t('indicator:rec.tieItem', {date: dateText(d.date), value: num(d.value) + u, what, prev: dateText(d.previous.date)})]),
    t('indicator:rec.end')));
  }
  if (res.all_time_records.length) {
    out.push(h('p', {}, t('indicator:rec.allTimeLead'), res.all_time_records.map((d, i) =>
      [i ? t('indicator:rec.comma') : '', t('indicator:rec.allTimeItem', {value: num(d.value) + u, date: dateText(d.date)})])));
  }
  if (res.streaks.length) {
    const longest = res.streaks.reduce((a, b) => (b.days > a.days ? b : a));
    out.push(h('h4', {}, t('indicator:rec.streaks')),
      h('p', {}, t(`indicator:rec.longest${per}`), h('strong', {}, `${longest.days}`),
        t('indicator:rec.longestSpan', {from: dateText(longest.from), to: dateText(longest.to)})),
      h('ul', {class: 'streaks'}, res.streaks.map((s) =>
        h('li', {}, t(`indicator:rec.streak${per}`, {from: dateText(s.from), to: dateText(s.to), count: s.days})))));
  }
  if (rows.length) {
    const csv = csvBlobURL([['date', 'value', 'unit', 'previous_date', 'previous_value'],
      ...res.record_days.map((d) => [d.date, d.value, unit, d.previous?.date ?? '', d.previous?.value ?? ''])]);
    // The table scrolls inside its box: the box takes the keyboard focus
    // so that it can be scrolled without a pointer.
    const caption = t(`indicator:rec.caption${per}`, {hl: word, year});
    out.push(h('div', {class: 'scroll-y', tabindex: '0', role: 'region', 'aria-label': caption},
      table(caption,
        [frequency === 'daily' ? t('indicator:rec.date') : t('indicator:rec.period'), t('indicator:rec.value'), t('indicator:rec.previous'), t('indicator:rec.margin')], rows, {numeric: [1, 2, 3]})),
    h('p', {class: 'downloads'}, t('common:download'), ': ',
      h('a', {href: csv, download: `${id}-records-${year}.csv`}, 'CSV'), ' · ',
      h('a', {href: link(`/api/records/${encodeURIComponent(id)}`, {year, kind: res.kind, smooth: smooth && smooth !== 'none' ? smooth : ''})}, 'JSON')));
  }
  out.push(sourceNote(res.source));
  slot.replaceChildren(...out.filter(Boolean));
  return res;
}
