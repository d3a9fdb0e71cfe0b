// The share control: a "Share" button in the page header that copies the
// share link of the current view. The dashboard's state lives in its hash
// route (#/indicator/sst.world?smooth=5d), which never reaches a server;
// the share link is the same route as a path under /share/ plus the
// current language (/share/indicator/sst.world?smooth=5d&lang=zh-Hant).
// The server answers it with a page carrying Open Graph tags and the
// view's chart (internal/api/share.go) that sends people on to the same
// route, so a link pasted in a chat shows the picture and the number.
//
// The link is written to the clipboard (navigator.clipboard); it is also
// shown in a read-only text field, selected, which is all a browser without
// clipboard access gets.

import {h} from './dom.js';
import {t, register, lang} from './i18n.js';
import messages from './messages/share.js';

register('share', messages);

// shareURL returns the share link of a dashboard address (loc: location
// or a URL) in language (default: the current one).
export function shareURL(loc = window.location, language = lang()) {
  const raw = loc.hash.startsWith('#/') ? loc.hash.slice(2) : '';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  params.set('lang', language);
  const segs = path.split('/').filter(Boolean).map((s) => {
    let d = s;
    try {
      d = decodeURIComponent(s);
    } catch {
      d = s;
    }
    return encodeURIComponent(d).replaceAll('%40', '@');
  });
  return `${loc.origin}/share/${segs.join('/')}?${params}`;
}

// mountShare adds the share control to parent (the page header) and
// returns it.
export function mountShare(parent) {
  const button = h('button', {type: 'button', class: 'button share-button', 'aria-expanded': 'false', 'aria-controls': 'share-panel'});
  const status = h('p', {class: 'share-status', role: 'status'});
  const fieldId = 'share-url';
  const label = h('label', {for: fieldId});
  const field = h('input', {id: fieldId, type: 'text', readonly: true, class: 'share-url', spellcheck: 'false'});
  const close = h('button', {type: 'button', class: 'button share-close'});
  const panel = h('div', {id: 'share-panel', class: 'share-panel', hidden: true}, status, label, field, close);
  const box = h('div', {class: 'share'}, button, panel);
  const relabel = () => {
    button.textContent = t('share:button');
    button.setAttribute('aria-label', t('share:buttonLabel'));
    label.textContent = t('share:field');
    close.textContent = t('share:close');
  };
  const hide = () => {
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  };
  relabel();
  if (globalThis.i18next && globalThis.i18next.on) globalThis.i18next.on('languageChanged', relabel);
  button.addEventListener('click', async () => {
    const url = shareURL();
    field.value = url;
    panel.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    let copied = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(url);
        copied = true;
      }
    } catch {
      copied = false;
    }
    status.textContent = t(copied ? 'share:copied' : 'share:manual');
    box.dataset.copied = copied ? 'true' : 'false';
    field.focus();
    field.select();
  });
  close.addEventListener('click', () => {
    hide();
    button.focus();
  });
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      hide();
      button.focus();
    }
  });
  // A new route makes the shown link stale.
  window.addEventListener('hashchange', hide);
  parent.append(box);
  return box;
}
