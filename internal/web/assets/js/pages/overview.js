// Overview: a card per vital sign (GET /api/overview): latest value and
// date, anomaly against its baseline, rank for the date (among years for
// annual series), the change on the year before (annual) or the rise since
// the first year (sea level), the record sentence, the data's age, source
// and licence, and a link to a newer stored version of the same indicator;
// then the latest record events when the server has the events endpoint.
// The first screen is "What is new": the latest record of each kind per
// vital sign in the last 12 months of its data (GET /api/events/recent).

import {get} from '../api.js';
import {sourceNote} from '../api.js';
import {h, num, fixed, signed, ranked, dayMonth, dateText, ageText, monthName, unitSuffix} from '../dom.js';
import {errorBox, eventItem, recentEvents} from '../ui.js';
import {recentRecords, whatsNew} from '../recent.js';
import {sparkline} from '../sparkline.js';

// staleAfter is the data age, in days, past which a card is marked stale:
// a daily series should be a few days behind, a monthly one a month or two,
// sea level (a value every ~10 days) a month or two; an annual value is
// counted from the end of its year and is stale when the next year's
// release is months late.
const staleAfter = {daily: 14, weekly: 30, irregular: 60, monthly: 75, annual: 550};

// newerAfter is how many days later another stored version of an indicator
// must run than the card's default version for the card to point to it.
const newerAfter = 30;

// dayNumber converts YYYY-MM-DD (or YYYY-MM, YYYY: the first day of the
// period) to days since 1970-01-01 (UTC).
function dayNumber(date) {
  const [y, m = 1, d = 1] = String(date).split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / 86400000);
}

// todayNumber is today's UTC date as days since 1970-01-01, from the
// browser's clock: the overview's answer is cached for the life of a data
// version, so the age must not come from it.
function todayNumber() {
  return Math.floor(Date.now() / 86400000);
}

// ageDays is the data age of a sign in days: from the latest value's date
// (the first day of its month for monthly values, the last day of its year
// for annual ones) to today.
function ageDays(sign) {
  const d = sign.latest.date;
  const from = sign.frequency === 'annual' ? dayNumber(`${+d.slice(0, 4) + 1}`) - 1 : dayNumber(d);
  return Math.max(0, todayNumber() - from);
}

// forDate names the slot a rank is for: "for 6 August" or "for July"; annual
// values are ranked among all years.
function forDate(sign) {
  const d = sign.latest.date;
  if (sign.frequency === 'daily') return ` for ${dayMonth(d)}`;
  if (sign.frequency === 'monthly') return ` for ${monthName(+d.split('-')[1])}`;
  return '';
}

// newerVersion returns the stored version of the sign's indicator that runs
// furthest beyond the card's, when it runs more than newerAfter days later.
function newerVersion(sign, indicators) {
  const own = dayNumber(sign.latest.date);
  let best = null;
  for (const r of indicators) {
    if (r.indicator !== sign.indicator || r.default || r.national || !r.last) continue;
    if (dayNumber(r.last) - own > newerAfter && (!best || r.last > best.last)) best = r;
  }
  return best;
}

// withUnit writes a signed difference with the sign's unit.
function withUnit(x, digits, unit) {
  return signed(x, digits) + (unit === '%' ? '%' : ' ' + unit);
}

// riseText writes the sea-level rise ("+101 mm (10.1 cm) since 1993") and
// its trend in the unit per year.
function riseText(sign, unit) {
  const r = sign.rise;
  const cm = sign.unit === 'mm' ? ` (${fixed(r.value / 10, 1)} cm)` : '';
  return [h('p', {class: 'anomaly rise'},
    h('span', {class: r.value >= 0 ? 'up' : 'down'}, withUnit(r.value, 0, unit)), cm, ` since ${r.since}`,
    h('span', {class: 'muted'}, ` (mean of the last 12 months vs the mean of ${r.since})`)),
  h('p', {class: 'rank trend'}, `Trend ${withUnit(r.per_decade / 10, 1, unit)} a year over ${r.from.slice(0, 4)}–${r.to.slice(0, 4)}`,
    h('span', {class: 'muted'}, ' (least squares, every value)'))];
}

function card(sign, indicators) {
  const unit = sign.unit_text || sign.unit;
  const rec = sign.record || {};
  const direction = rec.kind === 'min' ? 'lowest' : 'highest';
  const age = ageDays(sign);
  const stale = age > (staleAfter[sign.frequency] || 400);
  const newer = newerVersion(sign, indicators);
  const id = `card-${sign.indicator.replaceAll('.', '-')}`;
  return h('article', {class: 'card' + (sign.sentence ? ' is-record' : ''), 'aria-labelledby': id, 'data-indicator': sign.indicator},
    h('h3', {id}, h('a', {href: `#/indicator/${encodeURIComponent(sign.indicator)}`}, sign.title ? sign.title[0].toUpperCase() + sign.title.slice(1) : sign.indicator)),
    h('p', {class: 'value'},
      h('span', {class: 'big', 'data-value': sign.latest.value}, num(sign.latest.value) + unitSuffix(sign.unit)),
      ' ', h('span', {class: 'date'}, dateText(sign.latest.date))),
    sparkline(sign),
    sign.anomaly
      ? h('p', {class: 'anomaly'},
        h('span', {class: sign.anomaly.value >= 0 ? 'up' : 'down'}, signed(sign.anomaly.value, 2) + (unit === '%' ? '%' : ' ' + unit)),
        ` vs ${sign.anomaly.baseline}`,
        h('span', {class: 'muted'}, sign.anomaly.basis === 'published anomaly'
          ? ' (published anomaly)'
          : ` (mean of ${sign.anomaly.years} years for the same ${sign.frequency === 'daily' ? 'day' : 'month'})`))
      : null,
    sign.change
      ? h('p', {class: 'change'}, h('span', {class: sign.change.value >= 0 ? 'up' : 'down'}, withUnit(sign.change.value, 2, unit)),
        ` on ${dateText(sign.change.previous.date)}`)
      : null,
    sign.rise ? riseText(sign, unit) : null,
    rec.rank_for_date
      ? h('p', {class: 'rank'}, `${ranked(rec.rank_for_date, direction, rec.tie)} of ${rec.years_for_date} years${forDate(sign)}`,
        rec.previous_for_date && !rec.record_for_date
          ? h('span', {class: 'muted'}, ` (record: ${num(rec.previous_for_date.value)} in ${rec.previous_for_date.date.slice(0, 4)})`)
          : null)
      : null,
    sign.sentence ? h('p', {class: 'sentence'}, h('strong', {}, sign.sentence)) : null,
    h('p', {class: 'age' + (stale ? ' stale' : ''), 'data-age-days': age}, 'Data age: ', ageText(age),
      stale ? h('span', {class: 'badge'}, ' stale') : null),
    newer
      ? h('p', {class: 'newer'}, h('strong', {}, 'A newer version is stored: '),
        h('a', {href: `#/indicator/${encodeURIComponent(sign.indicator)}@${encodeURIComponent(newer.version)}`},
          `version ${newer.version}, to ${dateText(newer.last)}`),
        ` (this card: version ${sign.source?.version || 'default'}, to ${dateText(sign.latest.date)}).`)
      : null,
    sourceNote(sign.source, [sign.producer, '. Licence: ', sign.licence]));
}

export async function render(main, ctx) {
  main.append(h('h1', {}, 'The vital signs today'),
    h('p', {class: 'lede'}, 'Latest value of each indicator, its departure from the producer\'s baseline, its rank for the same date, ' +
      'and whether it is a record. Select a title for the chart.'));
  const newSlot = h('div', {});
  const eventsSlot = h('div', {});
  main.append(newSlot, eventsSlot);
  let ov;
  let indicators;
  try {
    [ov, indicators] = await Promise.all([get('/api/overview'), get('/api/indicators')]);
  } catch (e) {
    main.append(errorBox(e, 'Loading the overview'));
    return;
  }
  if (ctx.stale()) return;
  const signs = [...ov.signs, ...(ov.irregular || [])];
  // What is new, first; a server without the endpoint simply has no panel.
  const recentDone = recentRecords('12m', signs.map((s) => s.indicator)).then((res) => {
    if (res && !ctx.stale()) newSlot.append(whatsNew(res));
  }).catch((e) => {
    if (!ctx.stale()) newSlot.append(errorBox(e, 'Loading the recent records'));
  });
  const groups = [['daily', 'Daily', ['daily']], ['monthly', 'Monthly', ['monthly']],
    ['slow', 'Annual and irregular', ['annual', 'irregular']]];
  for (const [key, title, freqs] of groups) {
    const group = signs.filter((s) => freqs.includes(s.frequency));
    if (!group.length) continue;
    main.append(h('section', {'aria-labelledby': `ov-${key}`},
      h('h2', {id: `ov-${key}`}, `${title} indicators`),
      h('div', {class: 'cards'}, group.map((s) => card(s, indicators)))));
  }
  const others = signs.filter((s) => !groups.some((g) => g[2].includes(s.frequency)));
  if (others.length) main.append(h('div', {class: 'cards'}, others.map((s) => card(s, indicators))));
  if (!signs.length) {
    main.append(h('p', {}, 'Nothing is stored yet: run ', h('code', {}, 'stocktake update'), '.'));
  }
  const today = new Date(todayNumber() * 86400000).toISOString().slice(0, 10);
  main.append(h('p', {class: 'muted'}, `Data version ${ov.data_version}; ages counted to ${dateText(today)} (UTC, this computer's clock).`));
  // The events panel is shown only when the server has /api/events.
  try {
    const page = await recentEvents(8);
    if (page && !ctx.stale()) {
      eventsSlot.append(h('section', {class: 'panel', 'aria-labelledby': 'ov-events'},
        h('h2', {id: 'ov-events'}, 'Recent record events'),
        page.events.length
          ? h('ul', {class: 'events'}, page.events.map(eventItem))
          : h('p', {}, 'No new record since the data were first loaded; the records they already held are under “What is new” above.'),
        h('p', {}, h('a', {href: '#/events'}, 'All record events'), ' · ', h('a', {href: '/feed.xml'}, 'Atom feed'))));
    }
  } catch {
    // A broken events endpoint must not break the overview.
  }
  await recentDone;
}
