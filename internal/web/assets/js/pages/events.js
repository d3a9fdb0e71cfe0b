// Record events found by the alerts engine (GET /api/events, newest first),
// with their Atom feed. The endpoint is optional: without it the page says
// so.

import {get} from '../api.js';
import {h} from '../dom.js';
import {eventItem} from '../ui.js';

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
  if (!page.events.length) {
    main.append(h('p', {}, 'No record event yet.'));
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
