// Record events found by the alerts engine (GET /api/events, newest first),
// with their Atom feed, after the records of the recent past whatever scan
// found them (GET /api/events/recent, ?recent=12m by default): one line per
// run of consecutive records of the global series. The endpoints are
// optional: without them the page says so.

import {get} from '../api.js';
import {h} from '../dom.js';
import {eventItem} from '../ui.js';
import {recentRecords, runItem, windowText} from '../recent.js';

export async function render(main, ctx) {
  main.append(h('h1', {}, 'Record events'));
  const historical = ctx.params.get('historical') === '1';
  const page = await get('/api/events', {limit: 100, historical: historical ? '1' : ''}, {version: false, optional: true});
  if (!page) {
    main.append(h('p', {}, 'This server does not publish record events (no /api/events endpoint).'));
    return;
  }
  main.append(h('p', {class: 'lede'}, 'Records detected when new data arrived, newest first. ',
    h('a', {href: '/feed.xml'}, 'Subscribe to the Atom feed'), '. ',
    historical ? h('a', {href: '#/events'}, 'Hide the records found in the first scan')
      : h('a', {href: '#/events?historical=1'}, 'Include the records found in the first scan')));
  const win = /^\d+[dmy]$/.test(ctx.params.get('recent') || '') ? ctx.params.get('recent') : '12m';
  const recent = await recentRecords(win).catch(() => null);
  if (ctx.stale()) return;
  if (recent) {
    const global = recent.runs.filter((r) => !r.entity);
    main.append(h('section', {class: 'panel recent-records', 'aria-labelledby': 'ev-recent'},
      h('h2', {id: 'ev-recent'}, `Records of the last ${windowText(recent.recent)}`),
      h('p', {class: 'muted'}, 'Counted back from each series\' latest value, newest first; consecutive records form one line. ',
        'Records “found at first load” were already in the data when it was first loaded: listed here, never pushed. ',
        `${recent.runs.length - global.length} runs of national series are left out here (see `, h('code', {}, `/api/events/recent?recent=${recent.recent}`), ').'),
      global.length ? h('ul', {class: 'events runs'}, global.map(runItem)) : h('p', {}, 'No record in this window.')));
  }
  main.append(h('h2', {}, 'Record events as detected'));
  if (!page.events.length) {
    main.append(h('p', {}, historical ? 'No record event yet.'
      : 'No record has been detected since the data were first loaded (the records found then are listed above).'));
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
