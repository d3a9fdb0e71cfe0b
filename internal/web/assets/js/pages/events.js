// Record events found by the alerts engine (GET /api/events, newest first),
// with their Atom feed, after the records of the recent past whatever scan
// found them (GET /api/events/recent, ?recent=12m by default): one line per
// run of consecutive records of the global series. The endpoints are
// optional: without them the page says so.

import {get, link} from '../api.js';
import {h} from '../dom.js';
import {eventItem} from '../ui.js';
import {recentRecords, runItem, windowText} from '../recent.js';
import {t} from '../i18n.js';

export async function render(main, ctx) {
  main.append(h('h1', {}, t('events:title')));
  const historical = ctx.params.get('historical') === '1';
  const page = await get('/api/events', {limit: 100, historical: historical ? '1' : ''}, {version: false, optional: true});
  if (!page) {
    main.append(h('p', {}, t('events:none')));
    return;
  }
  main.append(h('p', {class: 'lede'}, t('events:lede'),
    h('a', {href: link('/feed.xml')}, t('events:subscribe')), '. ',
    historical ? h('a', {href: '#/events'}, t('events:hideFirst'))
      : h('a', {href: '#/events?historical=1'}, t('events:showFirst'))));
  const win = /^\d+[dmy]$/.test(ctx.params.get('recent') || '') ? ctx.params.get('recent') : '12m';
  const recent = await recentRecords(win).catch(() => null);
  if (ctx.stale()) return;
  if (recent) {
    const global = recent.runs.filter((r) => !r.entity);
    main.append(h('section', {class: 'panel recent-records', 'aria-labelledby': 'ev-recent'},
      h('h2', {id: 'ev-recent'}, t('events:recent', {window: windowText(recent.recent)})),
      h('p', {class: 'muted'}, t('events:recentNote'), t('events:recentNote2'),
        t('events:national', {count: recent.runs.length - global.length}), h('code', {}, `/api/events/recent?recent=${recent.recent}`), ').'),
      global.length ? h('ul', {class: 'events runs'}, global.map(runItem)) : h('p', {}, t('events:nothing'))));
  }
  main.append(h('h2', {}, t('events:detected')));
  if (!page.events.length) {
    main.append(h('p', {}, historical ? t('events:noEvent') : t('events:noNew')));
    return;
  }
  const list = h('ul', {class: 'events'}, page.events.map(eventItem));
  main.append(list);
  const want = ctx.params.get('event');
  const hit = want && list.querySelector(`[data-event="${CSS.escape(want)}"]`);
  if (hit) {
    hit.classList.add('highlight');
    hit.scrollIntoView({block: 'center'});
  }
}
