// Small DOM and formatting helpers shared by every page. Nothing here talks
// to the server.

// h builds an element: h('a', {href: '#/'}, 'Overview'). Attributes named
// on* with a function value become event listeners, "class" sets the class
// name, boolean true sets an empty attribute and false, null or undefined
// leave it out. Children may be strings, numbers, nodes, arrays or null.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

// append adds children (strings, nodes, arrays, null) to el.
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// clear removes every child of el.
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];

// monthName returns the English name of month m (1..12).
export function monthName(m) {
  return MONTHS[m - 1] || String(m);
}

// unitText writes a unit for people, as the server's present.Unit does:
// "10^6 km^2" becomes "million km²" and "degC" becomes "°C".
export function unitText(u) {
  if (!u) return '';
  let s = u.startsWith('10^6 ') ? 'million ' + u.slice(5) : u;
  s = s.replaceAll('degC', '°C');
  const sup = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return s.replace(/\^(-?)(\d+)/g, (_, minus, digits) =>
    (minus ? '⁻' : '') + [...digits].map((d) => sup[+d]).join(''));
}

// unitSuffix is the unit written after a number: no space before "%" and
// "°C".
export function unitSuffix(u) {
  const t = unitText(u);
  if (!t) return '';
  return t === '%' ? '%' : ' ' + t;
}

const plain = new Intl.NumberFormat('en', {maximumFractionDigits: 3});

// num writes a number with at most digits fraction digits (3 by default)
// and thousands separators; null and NaN become an en dash.
export function num(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (digits === 3) return plain.format(x).replace('-', '−');
  return new Intl.NumberFormat('en', {maximumFractionDigits: digits, minimumFractionDigits: 0})
    .format(x).replace('-', '−');
}

// fixed writes a number with exactly digits fraction digits.
export function fixed(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return new Intl.NumberFormat('en', {maximumFractionDigits: digits, minimumFractionDigits: digits})
    .format(x).replace('-', '−');
}

// signed writes a difference with its sign (+0.73, −0.51).
export function signed(x, digits = 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const s = fixed(Math.abs(x), digits);
  if (x > 0) return '+' + s;
  if (x < 0) return '−' + s;
  return s;
}

// quantity writes a value with its unit, scaling big national totals:
// tonnes become Mt or Gt, other units take "million" or "billion". The
// exact value is returned too, for a title attribute.
export function quantity(x, unit) {
  if (x === null || x === undefined || Number.isNaN(x)) return {text: '–', exact: ''};
  const exact = num(x, 6) + unitSuffix(unit);
  const a = Math.abs(x);
  const isTonnes = unit === 't' || (unit || '').startsWith('t ');
  const rest = isTonnes ? unit.slice(1) : '';
  if (isTonnes && a >= 1e9) return {text: fixed(x / 1e9, 2) + ' Gt' + rest, exact};
  if (isTonnes && a >= 1e6) return {text: fixed(x / 1e6, 1) + ' Mt' + rest, exact};
  if (!isTonnes && a >= 1e9) return {text: fixed(x / 1e9, 2) + ' billion' + unitSuffix(unit), exact};
  if (!isTonnes && a >= 1e6 && unit !== '%') return {text: fixed(x / 1e6, 2) + ' million' + unitSuffix(unit), exact};
  const digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3;
  return {text: (digits === 3 ? num(x, 3) : fixed(x, digits)) + unitSuffix(unit), exact};
}

// ordinal writes 1st, 2nd, 3rd, 4th, 11th, 21st...
export function ordinal(n) {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

// ranked writes a competition rank with its direction word: "highest" for
// rank 1, "joint highest" for a tie at rank 1, "3rd highest" below.
export function ranked(rank, word, tie) {
  if (rank === 1) return (tie ? 'joint ' : '') + word;
  return `${tie ? 'joint ' : ''}${ordinal(rank)} ${word}`;
}

// dayMonth writes "2023-02-21" (or "02-21") as "21 February".
export function dayMonth(date) {
  const parts = date.split('-');
  const [m, d] = parts.length === 3 ? [parts[1], parts[2]] : [parts[0], parts[1]];
  return `${+d} ${monthName(+m)}`;
}

// dateText writes YYYY-MM-DD as "21 February 2023", YYYY-MM as "February
// 2023" and YYYY as itself.
export function dateText(date) {
  if (!date) return '';
  const p = String(date).split('-');
  if (p.length === 3) return `${+p[2]} ${monthName(+p[1])} ${p[0]}`;
  if (p.length === 2) return `${monthName(+p[1])} ${p[0]}`;
  return String(date);
}

// seasonLabels name the three-month season centred on each month (the
// dating of the ONI: the value dated June is May-June-July, "MJJ").
const seasonLabels = ['DJF', 'JFM', 'FMA', 'MAM', 'AMJ', 'MJJ', 'JJA', 'JAS', 'ASO', 'SON', 'OND', 'NDJ'];

// seasonText writes a date of a three-month series (YYYY-MM, dated by its
// centre month) as its season, "MJJ 2026".
export function seasonText(date) {
  const p = String(date).split('-');
  if (p.length < 2) return String(date);
  return `${seasonLabels[+p[1] - 1]} ${p[0]}`;
}

// seasonName is the season centred on month m (1..12), "MJJ".
export function seasonName(m) {
  return seasonLabels[m - 1] || String(m);
}

// ageText writes a data age in days.
export function ageText(days) {
  if (days === null || days === undefined) return '';
  if (days <= 0) return 'today';
  if (days === 1) return '1 day old';
  if (days < 60) return `${days} days old`;
  if (days < 730) return `${Math.round(days / 30.44)} months old`;
  return `${(days / 365.25).toFixed(1)} years old`;
}

// pct writes a percentage with one decimal.
export function pct(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return fixed(x, digits) + '%';
}

// csvBlobURL builds a CSV download from rows of cells (the first row is the
// header); cells are quoted when they need it.
export function csvBlobURL(rows) {
  const esc = (c) => {
    const s = c === null || c === undefined ? '' : String(c);
    return /[",\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
  };
  const text = rows.map((r) => r.map(esc).join(',')).join('\n') + '\n';
  return URL.createObjectURL(new Blob([text], {type: 'text/csv'}));
}
