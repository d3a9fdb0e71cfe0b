// Overview: a card per vital sign (GET /api/overview): latest value and
// date, anomaly against its baseline, rank for the date, the record
// sentence, the data's age, source and licence; and the latest record
// events when the server has the events endpoint.

import {get} from '../api.js';
import {sourceNote} from '../api.js';
import {h, num, signed, ranked, dayMonth, dateText, ageText, monthName, unitSuffix} from '../dom.js';
import {errorBox, eventItem, recentEvents} from '../ui.js';

// staleAfter is the data age, in days, past which a card is marked stale:
// a daily series should be a few days behind, a monthly one a month or two.
const staleAfter = {daily: 14, weekly: 30, monthly: 75};

// forDate names the slot a rank is for: "6 August" or "July".
function forDate(sign) {
  const d = sign.latest.date;
  if (sign.frequency === 'daily') return dayMonth(d);
  if (sign.frequency === 'monthly') return monthName(+d.split('-')[1]);
  return d;
}

function card(sign) {
  const unit = sign.unit_text || sign.unit;
  const rec = sign.record || {};
  const direction = rec.kind === 'min' ? 'lowest' : 'highest';
  const stale = sign.data_age_days > (staleAfter[sign.frequency] || 400);
  const id = `card-${sign.indicator.replaceAll('.', '-')}`;
  return h('article', {class: 'card' + (sign.sentence ? ' is-record' : ''), 'aria-labelledby': id, 'data-indicator': sign.indicator},
    h('h3', {id}, h('a', {href: `#/indicator/${encodeURIComponent(sign.indicator)}`}, sign.title ? sign.title[0].toUpperCase() + sign.title.slice(1) : sign.indicator)),
    h('p', {class: 'value'},
      h('span', {class: 'big', 'data-value': sign.latest.value}, num(sign.latest.value) + unitSuffix(sign.unit)),
      ' ', h('span', {class: 'date'}, dateText(sign.latest.date))),
    sign.anomaly
      ? h('p', {class: 'anomaly'},
        h('span', {class: sign.anomaly.value >= 0 ? 'up' : 'down'}, signed(sign.anomaly.value, 2) + (unit === '%' ? '%' : ' ' + unit)),
        ` vs ${sign.anomaly.baseline}`,
        h('span', {class: 'muted'}, sign.anomaly.basis === 'published anomaly'
          ? ' (published anomaly)'
          : ` (mean of ${sign.anomaly.years} years for the same ${sign.frequency === 'daily' ? 'day' : 'month'})`))
      : null,
    rec.rank_for_date
      ? h('p', {class: 'rank'}, `${ranked(rec.rank_for_date, direction, rec.tie)} of ${rec.years_for_date} years for ${forDate(sign)}`,
        rec.previous_for_date && !rec.record_for_date
          ? h('span', {class: 'muted'}, ` (record: ${num(rec.previous_for_date.value)} in ${rec.previous_for_date.date.slice(0, 4)})`)
          : null)
      : null,
    sign.sentence ? h('p', {class: 'sentence'}, h('strong', {}, sign.sentence)) : null,
    h('p', {class: 'age' + (stale ? ' stale' : '')}, 'Data age: ', ageText(sign.data_age_days),
      stale ? h('span', {class: 'badge'}, ' stale') : null),
    sourceNote(sign.source, [sign.producer, '. Licence: ', sign.licence]));
}

export async function render(main, ctx) {
  main.append(h('h1', {}, 'The vital signs today'),
    h('p', {class: 'lede'}, 'Latest value of each indicator, its departure from the producer\'s baseline, its rank for the same date, ' +
      'and whether it is a record. Select a title for the chart.'));
  const eventsSlot = h('div', {});
  main.append(eventsSlot);
  let ov;
  try {
    ov = await get('/api/overview');
  } catch (e) {
    main.append(errorBox(e, 'Loading the overview'));
    return;
  }
  if (ctx.stale()) return;
  const groups = [['daily', 'Daily'], ['monthly', 'Monthly']];
  for (const [freq, title] of groups) {
    const signs = ov.signs.filter((s) => s.frequency === freq);
    if (!signs.length) continue;
    main.append(h('section', {'aria-labelledby': `ov-${freq}`},
      h('h2', {id: `ov-${freq}`}, `${title} indicators`),
      h('div', {class: 'cards'}, signs.map(card))));
  }
  const others = ov.signs.filter((s) => s.frequency !== 'daily' && s.frequency !== 'monthly');
  if (others.length) main.append(h('div', {class: 'cards'}, others.map(card)));
  if (!ov.signs.length) {
    main.append(h('p', {}, 'Nothing is stored yet: run ', h('code', {}, 'stocktake update'), '.'));
  }
  main.append(h('p', {class: 'muted'}, `Data version ${ov.data_version}; ages counted to ${dateText(ov.today)} (UTC).`));
  // The events panel is shown only when the server has /api/events.
  try {
    const page = await recentEvents(8);
    if (page && !ctx.stale()) {
      eventsSlot.append(h('section', {class: 'panel', 'aria-labelledby': 'ov-events'},
        h('h2', {id: 'ov-events'}, 'Recent record events'),
        page.events.length
          ? h('ul', {class: 'events'}, page.events.map(eventItem))
          : h('p', {}, 'No record event has been detected since the data were first loaded.'),
        h('p', {}, h('a', {href: '#/events'}, 'All record events'), ' · ', h('a', {href: '/feed.xml'}, 'Atom feed'))));
    }
  } catch {
    // A broken events endpoint must not break the overview.
  }
}
