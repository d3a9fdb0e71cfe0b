// Overview: a card per vital sign (GET /api/overview): latest value and
// date, anomaly against its baseline, rank for the date (among years for
// annual series), the change on the year before (annual) or the rise since
// the first year (sea level), the record sentence, the data's age, source
// and licence, and a link to a newer stored version of the same indicator;
// then the latest record events when the server has the events endpoint.
// The first screen is "What is new": the latest record of each kind per
// vital sign in the last 12 months of its data (GET /api/events/recent).

import {get, link} from '../api.js';
import {sourceNote, titleOf} from '../api.js';
import {h, num, fixed, signed, ranked, dayMonth, dateText, ageText, monthName, unitSuffix, unitText} from '../dom.js';
import {errorBox, eventItem, recentEvents} from '../ui.js';
import {recentRecords, whatsNew} from '../recent.js';
import {sparkline} from '../sparkline.js';
import {t} from '../i18n.js';

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
  if (sign.frequency === 'daily') return t('overview:forDay', {day: dayMonth(d)});
  if (sign.frequency === 'monthly') return t('overview:forDay', {day: monthName(+d.split('-')[1])});
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
    h('span', {class: r.value >= 0 ? 'up' : 'down'}, withUnit(r.value, 0, unit)), cm, t('overview:riseSince', {year: r.since}),
    h('span', {class: 'muted'}, t('overview:riseNote', {year: r.since}))),
  h('p', {class: 'rank trend'}, t('overview:trend', {rate: withUnit(r.per_decade / 10, 1, unit), from: r.from.slice(0, 4), to: r.to.slice(0, 4)}),
    h('span', {class: 'muted'}, t('overview:trendNote')))];
}

function card(sign, indicators) {
  // The unit in the page's language (the glossary's reviewed name), not
  // the server's English unit_text.
  const unit = unitText(sign.unit);
  const rec = sign.record || {};
  const direction = rec.kind === 'min' ? 'lowest' : 'highest';
  const age = ageDays(sign);
  const stale = age > (staleAfter[sign.frequency] || 400);
  const newer = newerVersion(sign, indicators);
  const id = `card-${sign.indicator.replaceAll('.', '-')}`;
  return h('article', {class: 'card' + (sign.sentence ? ' is-record' : ''), 'aria-labelledby': id, 'data-indicator': sign.indicator},
    h('h3', {id}, h('a', {href: `#/indicator/${encodeURIComponent(sign.indicator)}`}, sign.title ? titleOf(sign.indicator, sign.title[0].toUpperCase() + sign.title.slice(1)) : sign.indicator)),
    h('p', {class: 'value'},
      h('span', {class: 'big', 'data-value': sign.latest.value}, num(sign.latest.value) + unitSuffix(sign.unit)),
      ' ', h('span', {class: 'date'}, dateText(sign.latest.date))),
    sparkline(sign),
    sign.anomaly
      ? h('p', {class: 'anomaly'},
        h('span', {class: sign.anomaly.value >= 0 ? 'up' : 'down'}, signed(sign.anomaly.value, 2) + (unit === '%' ? '%' : ' ' + unit)),
        t('overview:vs', {baseline: sign.anomaly.baseline}),
        h('span', {class: 'muted'}, sign.anomaly.basis === 'published anomaly'
          ? t('overview:published')
          : t(sign.frequency === 'daily' ? 'overview:meanDay' : 'overview:meanMonth', {n: sign.anomaly.years})))
      : null,
    sign.change
      ? h('p', {class: 'change'}, h('span', {class: sign.change.value >= 0 ? 'up' : 'down'}, withUnit(sign.change.value, 2, unit)),
        t('overview:changeOn', {date: dateText(sign.change.previous.date)}))
      : null,
    sign.rise ? riseText(sign, unit) : null,
    rec.rank_for_date
      ? h('p', {class: 'rank'}, t('overview:rankOf', {rank: ranked(rec.rank_for_date, direction, rec.tie), n: rec.years_for_date, slot: forDate(sign)}),
        rec.previous_for_date && !rec.record_for_date
          ? h('span', {class: 'muted'}, t('overview:recordWas', {value: num(rec.previous_for_date.value), year: rec.previous_for_date.date.slice(0, 4)}))
          : null)
      : null,
    sign.sentence ? h('p', {class: 'sentence'}, h('strong', {}, sign.sentence)) : null,
    h('p', {class: 'age' + (stale ? ' stale' : ''), 'data-age-days': age}, t('overview:age'), ageText(age),
      stale ? h('span', {class: 'badge'}, t('overview:stale')) : null),
    newer
      ? h('p', {class: 'newer'}, h('strong', {}, t('overview:newer')),
        h('a', {href: `#/indicator/${encodeURIComponent(sign.indicator)}@${encodeURIComponent(newer.version)}`},
          t('overview:newerLink', {version: newer.version, date: dateText(newer.last)})),
        t('overview:newerThis', {version: sign.source?.version || t('overview:defaultVersion'), date: dateText(sign.latest.date)}))
      : null,
    sourceNote(sign.source, [sign.producer, t('overview:licence'), sign.licence]));
}

export async function render(main, ctx) {
  main.append(h('h1', {}, t('overview:title')),
    h('p', {class: 'lede'}, t('overview:lede')));
  const newSlot = h('div', {});
  const eventsSlot = h('div', {});
  main.append(newSlot, eventsSlot);
  let ov;
  let indicators;
  try {
    [ov, indicators] = await Promise.all([get('/api/overview'), get('/api/indicators')]);
  } catch (e) {
    main.append(errorBox(e, t('overview:loadError')));
    return;
  }
  if (ctx.stale()) return;
  const signs = [...ov.signs, ...(ov.irregular || [])];
  // What is new, first; a server without the endpoint simply has no panel.
  const recentDone = recentRecords('12m', signs.map((s) => s.indicator)).then((res) => {
    if (res && !ctx.stale()) newSlot.append(whatsNew(res));
  }).catch((e) => {
    if (!ctx.stale()) newSlot.append(errorBox(e, t('overview:recentError')));
  });
  const groups = [['daily', ['daily']], ['monthly', ['monthly']], ['slow', ['annual', 'irregular']]];
  for (const [key, freqs] of groups) {
    const group = signs.filter((s) => freqs.includes(s.frequency));
    if (!group.length) continue;
    main.append(h('section', {'aria-labelledby': `ov-${key}`},
      h('h2', {id: `ov-${key}`}, t(`overview:${key}`)),
      h('div', {class: 'cards'}, group.map((s) => card(s, indicators)))));
  }
  const others = signs.filter((s) => !groups.some((g) => g[1].includes(s.frequency)));
  if (others.length) main.append(h('div', {class: 'cards'}, others.map((s) => card(s, indicators))));
  if (!signs.length) {
    main.append(h('p', {}, t('overview:empty'), h('code', {}, 'stocktake update'), '.'));
  }
  const today = new Date(todayNumber() * 86400000).toISOString().slice(0, 10);
  main.append(h('p', {class: 'muted'}, t('overview:version', {version: ov.data_version, date: dateText(today)})));
  // The events panel is shown only when the server has /api/events.
  try {
    const page = await recentEvents(8);
    if (page && !ctx.stale()) {
      eventsSlot.append(h('section', {class: 'panel', 'aria-labelledby': 'ov-events'},
        h('h2', {id: 'ov-events'}, t('overview:events')),
        page.events.length
          ? h('ul', {class: 'events'}, page.events.map(eventItem))
          : h('p', {}, t('overview:noEvents')),
        h('p', {}, h('a', {href: '#/events'}, t('overview:allEvents')), ' · ', h('a', {href: link('/feed.xml')}, t('overview:feed')))));
    }
  } catch {
    // A broken events endpoint must not break the overview.
  }
  await recentDone;
}
