// Shared by the browser tests that read a page for English prose in a
// Chinese page (i18n.test.js for the dashboard's pages, stations.test.js
// for the station pages): the names and codes that stay as published, the
// check itself, and the reading of a page's text.

// keptTerms are the technical terms that Chinese technical writing keeps in
// Latin letters: the web-hook mechanism and the Atom feed format by their
// names, the file formats offered for download, the keys Enter and Tab as
// printed on keyboards.
const keptTerms = ['webhook', 'Atom', 'JavaScript', 'Enter', 'Tab'];

// publishedNames are names of producers, products and publications that
// the translated texts keep as published (as Chinese climate writing
// does): the sources' own short names, which the catalog's producer fields
// give only inside longer strings, and the row label a file uses
// ('Preliminary', quoted verbatim in a dataset note).
const publishedNames = ['Climate Reanalyzer', 'Our World in Data', 'Global Carbon Budget', 'Global Forest Watch',
  'Forest Declaration Assessment', 'Indicators of Global Climate Change', 'Climate Pulse', 'Jones et al.', "'Preliminary'"];

// allowedNames returns the names and codes of the catalog that stay as
// published in every language (see proseOffences).
export async function allowedNames(base) {
  const [datasets, indicators] = await Promise.all([
    fetch(`${base}/api/datasets`).then((r) => r.json()),
    fetch(`${base}/api/indicators?all=true`).then((r) => r.json()),
  ]);
  const names = new Set();
  for (const d of datasets) for (const v of [d.id, d.title, d.producer, d.version]) if (v) names.add(v);
  for (const r of indicators) {
    for (const v of [r.indicator, r.version, r.producer, r.unit, r.source?.dataset, r.source?.version]) if (v) names.add(v);
  }
  for (const term of [...keptTerms, ...publishedNames]) names.add(term);
  return names;
}

// replacePhrases replaces every whole occurrence of the phrases (sorted
// longest first; not inside a longer word or code) in text by a separator
// that breaks runs of words.
export function replacePhrases(text, phrases) {
  const esc = (x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const list = phrases.filter((p) => p && text.includes(p));
  if (!list.length) return text;
  const re = new RegExp(`(?<![A-Za-z0-9])(?:${list.map(esc).join('|')})(?![A-Za-z0-9])`, 'g');
  return text.replace(re, ' ¦ ');
}

// proseOffences returns the English words and runs of words in text, after
// the allowed phrases (sorted longest first) are taken out.
export function proseOffences(text, allowed) {
  const s = replacePhrases(text, allowed)
    .replace(/https?:\/\/\S+|\/api\/\S*|\/feed\.xml\S*/g, ' ¦ ')
    .replace(/\S+\.(csv|txt|json|nc|zip|gz|xlsx?|png|svg|xml)\b/gi, ' ¦ ')
    .replace(/\b[0-9a-f]{8,64}\b/g, ' ¦ ');
  const chunk = /[A-Za-z0-9](?:[A-Za-z0-9._'’\/+-]*[A-Za-z0-9])?/g;
  // Codes: a digit, dot, underscore, slash or plus; only capitals (an
  // acronym, NSIDC); or a capital inside the word (a product name such as
  // NOAAGlobalTemp, which English prose never has).
  const isCode = (c) => /[\d._\/+]/.test(c) || /^[A-Z]{2,}s?$/.test(c) || /[a-z][A-Z]|[A-Z]{2}[a-z]/.test(c);
  const bad = [];
  let run = [];
  let end = -1;
  const flush = () => {
    if (run.length >= 3) bad.push(run.join(' '));
    run = [];
  };
  for (const m of s.matchAll(chunk)) {
    const c = m[0];
    if (!/[A-Za-z]/.test(c)) continue;
    if (end >= 0 && !/^\s+$/.test(s.slice(end, m.index))) flush();
    end = m.index + c.length;
    if (isCode(c)) {
      flush();
      continue;
    }
    for (const w of c.split(/[-'’]/)) if (w.length >= 4) bad.push(w);
    if (c.replace(/[-'’]/g, '').length >= 2) run.push(c);
    else flush();
  }
  flush();
  return [...new Set(bad)];
}

// pageTexts reads, in the page, the text of <main> and of the dialogs and
// tooltips in the document (the share panel, role=dialog, role=tooltip),
// as units with where they are: each block's text (its inline descendants'
// text nodes joined, with text in <code> or in a non-Chinese lang replaced
// by a separator) and the title, aria-label, alt and placeholder
// attributes. Hidden parts of <main> (the hidden attribute) are left out;
// a closed dialog is read whole.
export function pageTexts() {
  const roots = [document.querySelector('main'),
    ...document.querySelectorAll('.share, dialog, [role=dialog], [role=tooltip], [popover]')];
  const seen = new Set();
  const units = [];
  const display = new Map();
  const inline = (el) => {
    if (!display.has(el)) display.set(el, getComputedStyle(el).display);
    const d = display.get(el);
    return d === 'inline' || d === 'inline-block' || d === 'contents';
  };
  const foreign = (el) => {
    const l = el.closest('[lang]');
    return !!l && !/^zh\b/i.test(l.lang);
  };
  const describe = (el) => {
    const card = el.closest('[data-indicator], [data-recent], section[aria-labelledby], article');
    const name = (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
    return (card && card !== el ? name(card) + (card.dataset.indicator ? `[${card.dataset.indicator}]` : '') + ' ' : '') + name(el);
  };
  for (const root of roots) {
    if (!root || [...seen].some((r) => r.contains(root))) continue;
    seen.add(root);
    const blocks = new Map();
    // Scripts and styles are no text; the hidden parts of <main> are not
    // shown (a dialog is read whole, open or not).
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
      acceptNode: (n) => (n.nodeType === Node.ELEMENT_NODE && (n.matches('script, style, template, noscript') || (root.tagName === 'MAIN' && n.hidden))
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    // blockOf is the block that holds a node's text: its nearest ancestor
    // that is not inline; a text of a drawing (SVG <text>, <title>) stands
    // alone.
    const blockOf = (n) => {
      let block = n.parentElement;
      if (!(block instanceof SVGElement)) while (block !== root && inline(block)) block = block.parentElement;
      if (!blocks.has(block)) blocks.set(block, []);
      return blocks.get(block);
    };
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.nodeType === Node.ELEMENT_NODE) {
        // A line break separates words.
        if (n.tagName === 'BR') blockOf(n).push(' ');
        if (foreign(n)) continue;
        for (const a of ['title', 'aria-label', 'alt', 'placeholder']) {
          const v = n.getAttribute(a);
          if (v && /[A-Za-z]{2}/.test(v)) units.push({where: `${describe(n)}[${a}]`, text: v});
        }
        continue;
      }
      const skip = n.parentElement.closest('code, kbd, samp') || foreign(n.parentElement);
      blockOf(n).push(skip ? ' ¦ ' : n.textContent);
    }
    for (const [block, parts] of blocks) {
      const text = parts.join('').replace(/\s+/g, ' ').trim();
      if (/[A-Za-z]{2}/.test(text)) units.push({where: describe(block), text});
    }
  }
  return units;
}

