// Sparklines: the small chart on each overview card, drawn with uPlot from
// the numbers the server computed (Sign.spark of GET /api/overview; see
// internal/query/spark.go). Two kinds:
//   - "days" (daily series): the year so far as a thick line, the record
//     year as a thin line, the baseline's mean as a dashed line and its
//     10th-90th percentile band as a shaded area;
//   - "bars" (monthly series): the last 24 months' departures from the
//     baseline as bars from zero, warm colour above, cool colour below.
// Each chart is focusable (role img, with an aria-label that describes
// it); the arrow keys, Home and End move a cursor whose values are read
// out in a live region. The same description is in the card as visually
// hidden text. The browser tests read the charts from
// window.__stocktake.sparklines (by indicator id).

import {h} from './dom.js';
import {hasUPlot, theme} from './chart.js';
import {t, register, lang} from './i18n.js';
import messages from './messages/sparkline.js';

register('sparkline', messages);

// height is the height of a sparkline in CSS pixels.
const height = 56;

// live holds the uPlot instances drawn; those whose element has left the
// page (the router cleared <main>) are destroyed when the next one is made
// or the route changes.
const live = new Set();
window.__stocktake = window.__stocktake || {};
window.__stocktake.sparklines = window.__stocktake.sparklines || {};

function sweep() {
  for (const u of live) {
    if (!u.root.isConnected) {
      u.destroy();
      live.delete(u);
    }
  }
  for (const [k, u] of Object.entries(window.__stocktake.sparklines)) {
    if (!live.has(u)) delete window.__stocktake.sparklines[k];
  }
}
window.addEventListener('hashchange', () => setTimeout(sweep, 0));

// fmtDate writes YYYY-MM-DD or YYYY-MM for the current language (UTC);
// English dates read day first ("6 August"), as on the rest of the
// dashboard.
function fmtDate(s) {
  const [y, m, d] = s.split('-').map(Number);
  const opts = d ? {day: 'numeric', month: 'long', timeZone: 'UTC'} : {month: 'long', year: 'numeric', timeZone: 'UTC'};
  const locale = lang() === 'en' ? 'en-GB' : lang();
  return new Intl.DateTimeFormat(locale, opts).format(new Date(Date.UTC(y, m - 1, d || 1)));
}

// fmtNum writes a number with up to digits fraction digits, with the
// unit; signed adds + to positive values. null becomes "no value".
function fmtNum(x, unit, {digits = 2, signed = false} = {}) {
  if (x === null || x === undefined || Number.isNaN(x)) return t('sparkline:missing');
  const s = new Intl.NumberFormat(lang(), {maximumFractionDigits: digits, signDisplay: signed ? 'exceptZero' : 'auto'}).format(x);
  if (!unit) return s;
  return unit === '%' || unit === '°C' ? s + unit : `${s} ${unit}`;
}

// describe writes the text alternative of a sign's sparkline.
function describe(sign) {
  const sp = sign.spark;
  const unit = sign.unit_text || sign.unit;
  const n = sp.values.length;
  if (sp.kind === 'bars') {
    return t('sparkline:bars', {
      months: n, from: fmtDate(sp.dates[0]), to: fmtDate(sp.dates[n - 1]), baseline: sp.baseline,
      basis: sp.basis === 'published anomaly' ? t('sparkline:published') : '',
      max: fmtNum(sp.max.value, unit, {signed: true}), maxDate: fmtDate(sp.max.date),
      min: fmtNum(sp.min.value, unit, {signed: true}), minDate: fmtDate(sp.min.date),
    });
  }
  const year = sp.dates[0].slice(0, 4);
  const direction = t(sp.record_kind === 'min' ? 'sparkline:lowest' : 'sparkline:highest');
  const days = sp.values.filter((v) => v !== null).length;
  return [
    t('sparkline:days', {year, from: fmtDate(sp.dates[0]), to: fmtDate(sp.dates[n - 1]), baseline: sp.baseline}),
    sp.record ? t('sparkline:daysRecord', {recordYear: sp.record_year, direction})
      : t('sparkline:daysRecordIsThis', {year, direction}),
    t('sparkline:daysBand', {count: sp.above_p90, days, below: sp.below_p10}),
  ].join(' ');
}

// readout writes the values at index i of a sparkline.
function readout(sign, i) {
  const sp = sign.spark;
  const unit = sign.unit_text || sign.unit;
  const date = fmtDate(sp.dates[i]);
  if (sp.kind === 'bars') return t('sparkline:readMonth', {date, value: fmtNum(sp.values[i], unit, {signed: true, digits: 3})});
  const vars = {date, value: fmtNum(sp.values[i], unit, {digits: 3}), mean: fmtNum(sp.mean[i], unit, {digits: 3})};
  if (!sp.record) return t('sparkline:readDayNoRecord', vars);
  return t('sparkline:readDay', {...vars, recordYear: sp.record_year, record: fmtNum(sp.record[i], unit, {digits: 3})});
}

// options builds the uPlot options and data of a sparkline.
function build(sign, width, onCursor) {
  const sp = sign.spark;
  const th = theme();
  const x = sp.values.map((_, i) => i);
  const base = {
    width, height,
    padding: [4, 2, 2, 2],
    legend: {show: false},
    axes: [{show: false}, {show: false}],
    cursor: {y: false, drag: {x: false, y: false, setScale: false}, points: {show: false}},
    hooks: {setCursor: [(u) => onCursor(u.cursor.idx)]},
  };
  if (sp.kind === 'bars') {
    const bars = window.uPlot.paths && window.uPlot.paths.bars ? window.uPlot.paths.bars({size: [0.75, 12]}) : undefined;
    const pos = sp.values.map((v) => (v !== null && v >= 0 ? v : null));
    const neg = sp.values.map((v) => (v !== null && v < 0 ? v : null));
    const opts = Object.assign(base, {
      scales: {x: {time: false, range: (u, lo, hi) => [lo - 0.6, hi + 0.6]},
        y: {range: (u, lo, hi) => {
          const a = Math.min(0, lo ?? 0);
          const b = Math.max(0, hi ?? 0);
          const pad = (b - a) * 0.08 || 1;
          return [a < 0 ? a - pad : 0, b > 0 ? b + pad : 0];
        }}},
      series: [{},
        {stroke: th.pos, fill: th.pos, width: 0, paths: bars, fillTo: 0, points: {show: false}},
        {stroke: th.neg, fill: th.neg, width: 0, paths: bars, fillTo: 0, points: {show: false}}],
    });
    return {opts, data: [x, pos, neg]};
  }
  const series = [{},
    {stroke: 'transparent', width: 0, points: {show: false}}, // p90
    {stroke: 'transparent', width: 0, points: {show: false}}, // p10
    {stroke: th.mean, width: 1, dash: [3, 3], points: {show: false}}];
  const data = [x, sp.p90, sp.p10, sp.mean];
  if (sp.record) {
    series.push({stroke: th.record, width: 1, points: {show: false}});
    data.push(sp.record);
  }
  series.push({stroke: th.current, width: 2, points: {show: false}});
  data.push(sp.values);
  const opts = Object.assign(base, {
    scales: {x: {time: false}},
    series,
    bands: [{series: [1, 2], fill: th.band}],
  });
  return {opts, data};
}

// sparkline returns the small chart of an overview card (an element to
// append to the card), or null when the sign has none or uPlot is missing.
// The chart is drawn once the element has a width, and follows it.
export function sparkline(sign) {
  const sp = sign && sign.spark;
  if (!sp || !sp.values || !sp.values.length || !hasUPlot()) return null;
  const text = describe(sign);
  const read = h('p', {class: 'spark-readout', 'aria-live': 'polite', 'data-spark': sign.indicator});
  const box = h('div', {
    class: 'spark-box', tabindex: '0', role: 'img', 'aria-label': `${text} ${t('sparkline:keys')}`,
    'aria-roledescription': t('sparkline:roledescription'), 'data-spark': sign.indicator,
  });
  const fig = h('figure', {class: 'spark spark-' + sp.kind},
    box, read, h('figcaption', {class: 'visually-hidden'}, text));
  let u = null;
  let kidx = null;
  const onCursor = (idx) => {
    read.textContent = idx === null || idx === undefined ? '' : readout(sign, idx);
  };
  const ro = new ResizeObserver(() => {
    const w = Math.round(box.clientWidth);
    if (w <= 0) return;
    if (!u) {
      sweep();
      const {opts, data} = build(sign, w, onCursor);
      u = new window.uPlot(opts, data, box);
      live.add(u);
      window.__stocktake.sparklines[sign.indicator] = u;
      const destroy = u.destroy.bind(u);
      u.destroy = () => {
        ro.disconnect();
        destroy();
      };
    } else if (Math.abs(w - u.width) > 2) {
      u.setSize({width: w, height});
    }
  });
  ro.observe(box);
  box.addEventListener('keydown', (e) => {
    if (!u) return;
    const n = u.data[0].length;
    const step = {ArrowRight: 1, ArrowLeft: -1, PageUp: 10, PageDown: -10}[e.key];
    if (kidx === null) kidx = u.cursor.idx ?? n - 1;
    if (step !== undefined) kidx = Math.min(n - 1, Math.max(0, kidx + step));
    else if (e.key === 'Home') kidx = 0;
    else if (e.key === 'End') kidx = n - 1;
    else return;
    e.preventDefault();
    u.setCursor({left: u.valToPos(u.data[0][kidx], 'x'), top: u.bbox.height / devicePixelRatio / 2});
  });
  box.addEventListener('blur', () => {
    kidx = null;
  });
  return fig;
}
