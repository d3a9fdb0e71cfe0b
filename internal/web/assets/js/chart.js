// Charts: a thin layer over uPlot (loaded as a classic script from
// /assets/vendor, a global named uPlot). It adds what every chart of the
// dashboard needs: colours from the page's light or dark scheme, a size
// that follows the container, a readout of the values under the cursor
// (also driven by the keyboard: arrow keys, Page Up/Down, Home, End), and a
// registry the browser tests read (window.__stocktake.charts).

import {h, monthShort} from './dom.js';
import {t, lang} from './i18n.js';

const live = new Set();

window.__stocktake = window.__stocktake || {};
window.__stocktake.charts = window.__stocktake.charts || {};

// hasUPlot reports whether the uPlot script loaded.
export function hasUPlot() {
  return typeof window.uPlot === 'function';
}

// missingUPlot is the message shown instead of a chart when uPlot's files
// were not built into the binary.
export function missingUPlot() {
  return h('p', {class: 'error'}, t('common:chart.missing'),
    h('code', {}, 'scripts/setup.sh'),
    t('common:chart.missing2'),
    t('common:chart.missing3'));
}

// theme reads the chart colours of the current colour scheme from the CSS
// custom properties of the root element (see css/app.css).
export function theme() {
  const cs = getComputedStyle(document.documentElement);
  const v = (name) => cs.getPropertyValue(name).trim();
  return {
    fg: v('--fg'), muted: v('--muted'), grid: v('--grid'), bg: v('--bg'),
    current: v('--c-current'), record: v('--c-record'), year: v('--c-year'), mean: v('--c-mean'),
    band: v('--c-band'), pos: v('--c-pos'), neg: v('--c-neg'), a: v('--c-a'), b: v('--c-b'),
    font: '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  };
}

// axis returns uPlot axis options in the theme's colours.
export function axis(t, extra = {}) {
  return Object.assign({
    stroke: t.fg,
    font: t.font,
    labelFont: t.font,
    grid: {stroke: t.grid, width: 1},
    ticks: {stroke: t.grid, width: 1},
  }, extra);
}

// timeAxis returns the x-axis options of a time chart (x in Unix seconds):
// in English uPlot's own tick labels; in other languages years as numbers
// and months by the language's short names ("7月"), since uPlot's labels
// are English.
export function timeAxis() {
  if (lang() === 'en') return {};
  return {
    values: (u, splits, axisIdx, space, incr) => splits.map((s) => {
      const d = new Date(s * 1000);
      if (incr >= 365 * 86400 * 0.9 || d.getUTCMonth() === 0) return String(d.getUTCFullYear());
      return monthShort(d.getUTCMonth() + 1);
    }),
  };
}

// destroyAll removes every chart (the router calls it on navigation).
export function destroyAll() {
  for (const c of live) c.destroy();
  live.clear();
  window.__stocktake.charts = {};
}

// mount draws a chart in a new figure appended to parent and returns the
// uPlot instance (null without uPlot).
//
// spec: name (registry key), label (the text alternative: what the chart
// shows and its main finding), opts (uPlot options without width, height),
// data (uPlot data), height (px, default 360), readout(u, idx, yValue)
// returning the text or nodes shown for the cursor position, keyTop(u, idx)
// giving the y pixel the keyboard cursor goes to, caption (nodes under the
// chart).
export function mount(parent, spec) {
  const fig = h('figure', {class: 'chart'});
  parent.append(fig);
  if (!hasUPlot()) {
    fig.append(missingUPlot());
    if (spec.caption) fig.append(h('figcaption', {}, spec.caption));
    return null;
  }
  const readout = h('p', {class: 'readout', 'aria-live': 'polite', 'data-chart': spec.name},
    t('common:chart.hint'));
  const box = h('div', {
    class: 'chart-box', tabindex: '0', role: 'img', 'aria-label': spec.label,
    'aria-roledescription': t('common:chart.role'), 'data-chart': spec.name,
  });
  fig.append(readout, box);
  if (spec.caption) fig.append(h('figcaption', {}, spec.caption));
  const height = spec.height || 360;
  const width = Math.max(280, box.clientWidth || parent.clientWidth || 800);
  const opts = Object.assign({}, spec.opts, {width, height});
  opts.hooks = Object.assign({}, opts.hooks);
  const show = (u) => {
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined || !spec.readout) return;
    const y = u.cursor.top >= 0 ? u.posToVal(u.cursor.top, 'y') : null;
    const content = spec.readout(u, idx, y);
    readout.replaceChildren(...[].concat(content));
  };
  opts.hooks.setCursor = [...(opts.hooks.setCursor || []), show];
  const u = new window.uPlot(opts, spec.data, box);
  live.add(u);
  window.__stocktake.charts[spec.name] = u;
  const ro = new ResizeObserver(() => {
    const w = box.clientWidth;
    if (w > 0 && Math.abs(w - u.width) > 2) u.setSize({width: w, height});
  });
  ro.observe(box);
  const destroy = u.destroy.bind(u);
  u.destroy = () => {
    ro.disconnect();
    destroy();
  };
  // The keyboard moves the cursor along the x values.
  let kidx = null;
  box.addEventListener('keydown', (e) => {
    const n = u.data[0].length;
    if (!n) return;
    const step = {ArrowRight: 1, ArrowLeft: -1, PageUp: 10, PageDown: -10}[e.key];
    if (kidx === null) kidx = u.cursor.idx ?? n - 1;
    if (step !== undefined) kidx = Math.min(n - 1, Math.max(0, kidx + step));
    else if (e.key === 'Home') kidx = 0;
    else if (e.key === 'End') kidx = n - 1;
    else return;
    e.preventDefault();
    const left = u.valToPos(u.data[0][kidx], 'x');
    const top = spec.keyTop ? spec.keyTop(u, kidx) : u.bbox.height / devicePixelRatio / 2;
    u.setCursor({left, top: Number.isFinite(top) ? top : 0});
  });
  return u;
}

// dataTable renders rows as a table inside a closed <details>, the text
// alternative of a chart. head: column names; rows: arrays of cells.
export function dataTable(summary, head, rows, caption) {
  return h('details', {class: 'data-table'},
    h('summary', {}, summary),
    h('div', {class: 'table-wrap'},
      h('table', {},
        caption ? h('caption', {}, caption) : null,
        h('thead', {}, h('tr', {}, head.map((c) => h('th', {scope: 'col'}, c)))),
        h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => i === 0 ? h('th', {scope: 'row'}, c) : h('td', {}, c))))))));
}
