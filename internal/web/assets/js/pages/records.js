// The records of one year (GET /api/records/{id}?year=Y): the days (or
// months) that set a record for their date, the all-time records, the ties
// and the streaks. Shared by the daily and the monthly indicator pages.

import {get, sourceNote, url} from '../api.js';
import {h, num, signed, dateText as calendarText, seasonText, unitSuffix, csvBlobURL} from '../dom.js';
import {errorBox, table} from '../ui.js';

// renderRecords fills slot with the records of year. opts: id, year, kind
// (max or min), smooth (daily only), unit, frequency, seasonal (a
// three-month series, whose periods are named by season: "MJJ 2026").
export async function renderRecords(slot, {id, year, kind, smooth, unit, frequency, seasonal = false}) {
  const dateText = (d) => (seasonal ? seasonText(d) : calendarText(d));
  slot.replaceChildren(h('p', {class: 'loading'}, `Loading the records of ${year}…`));
  let res;
  try {
    res = await get(`/api/records/${encodeURIComponent(id)}`, {year, kind, smooth: smooth && smooth !== 'none' ? smooth : ''});
  } catch (e) {
    slot.replaceChildren(errorBox(e, `Records of ${year}`));
    return null;
  }
  const word = res.kind === 'min' ? 'low' : 'high';
  const per = frequency === 'daily' ? 'day' : frequency === 'monthly' ? 'month' : 'year';
  const u = unitSuffix(unit);
  const rows = res.record_days.map((d) => [
    h('time', {datetime: d.date}, dateText(d.date)),
    num(d.value) + u,
    d.previous ? `${num(d.previous.value)}${u} (${d.previous.date.slice(0, 4)})` : 'first value',
    d.previous ? signed(d.value - d.previous.value, 3) : '–',
  ]);
  const out = [];
  out.push(h('p', {class: 'records-summary'},
    h('strong', {}, `${res.record_days.length}`),
    ` ${per}${res.record_days.length === 1 ? '' : 's'} of ${year} set a record ${word} for the ${frequency === 'daily' ? 'date' : per}`,
    res.tied_days.length ? `, ${res.tied_days.length} tied one` : '',
    res.all_time_records.length ? `; ${res.all_time_records.length} set an all-time record ${word}` : '',
    res.smoothing && res.smoothing !== 'none' ? ` (values: ${res.smoothing} running mean)` : '',
    '.'));
  // Ties are never records; they are listed with the value they equalled
  // (equal at the producer's published precision).
  const ties = [...res.tied_days.map((d) => ['for the ' + (frequency === 'daily' ? 'date' : per), d]),
    ...res.tied_all_time.map((d) => ['all-time', d])];
  if (ties.length) {
    out.push(h('p', {class: 'ties'}, 'Tied, not records: ', ties.map(([what, d], i) =>
      [i ? '; ' : '', `${dateText(d.date)}, ${num(d.value)}${u}, equal to the ${what} record of ${dateText(d.previous.date)}`]), '.'));
  }
  if (res.all_time_records.length) {
    out.push(h('p', {}, 'All-time records: ', res.all_time_records.map((d, i) =>
      [i ? ', ' : '', `${num(d.value)}${u} on ${dateText(d.date)}`])));
  }
  if (res.streaks.length) {
    const longest = res.streaks.reduce((a, b) => (b.days > a.days ? b : a));
    out.push(h('h4', {}, 'Streaks'),
      h('p', {}, `Longest run of consecutive record ${per}s: `, h('strong', {}, `${longest.days}`),
        `, ${dateText(longest.from)} to ${dateText(longest.to)}.`),
      h('ul', {class: 'streaks'}, res.streaks.map((s) =>
        h('li', {}, `${dateText(s.from)} – ${dateText(s.to)}: ${s.days} ${per}${s.days === 1 ? '' : 's'}`))));
  }
  if (rows.length) {
    const csv = csvBlobURL([['date', 'value', 'unit', 'previous_date', 'previous_value'],
      ...res.record_days.map((d) => [d.date, d.value, unit, d.previous?.date ?? '', d.previous?.value ?? ''])]);
    out.push(h('div', {class: 'scroll-y'},
      table(`Record ${word}s for the ${frequency === 'daily' ? 'date' : per} in ${year}`,
        [frequency === 'daily' ? 'Date' : 'Period', 'Value', 'Previous record (year)', 'Margin'], rows, {numeric: [1, 2, 3]})),
    h('p', {class: 'downloads'}, 'Download: ',
      h('a', {href: csv, download: `${id}-records-${year}.csv`}, 'CSV'), ' · ',
      h('a', {href: url(`/api/records/${encodeURIComponent(id)}`, {year, kind: res.kind, smooth: smooth && smooth !== 'none' ? smooth : ''})}, 'JSON')));
  }
  out.push(sourceNote(res.source));
  slot.replaceChildren(...out.filter(Boolean));
  return res;
}
