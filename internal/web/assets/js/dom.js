// Small DOM and formatting helpers shared by every page. Nothing here talks
// to the server. Dates, numbers, plurals and lists are formatted by the
// browser's Intl APIs in the current language (i18n.js).

import {t, lang, locale} from './i18n.js';
import {alpha2} from './regions.js';

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

// Dates are formatted in UTC: a date of the API (YYYY-MM-DD) is a calendar
// date, not an instant, and must not move with the browser's time zone.
const dateFormats = new Map();

// dtf returns a cached Intl.DateTimeFormat of the current language.
function dtf(opts) {
  const key = locale() + JSON.stringify(opts);
  if (!dateFormats.has(key)) dateFormats.set(key, new Intl.DateTimeFormat(locale(), {timeZone: 'UTC', ...opts}));
  return dateFormats.get(key);
}

// utc is the Date of a calendar day (month 1..12).
function utc(y, m = 1, d = 1) {
  return new Date(Date.UTC(y, m - 1, d));
}

// monthName returns the name of month m (1..12) in the current language
// ("February", "2月").
export function monthName(m) {
  if (!(m >= 1 && m <= 12)) return String(m);
  return dtf({month: 'long'}).format(utc(2001, m, 1));
}

// monthShort returns the short name of month m ("Feb", "2月"), for axes.
export function monthShort(m) {
  if (!(m >= 1 && m <= 12)) return String(m);
  return dtf({month: 'short'}).format(utc(2001, m, 1));
}

// unitNames, when set (api.js, from the reviewed glossary), returns a
// unit's name in the current language ("百萬平方公里") or ''.
let unitNames = null;

// setUnitNames installs the glossary's unit names (see unitNames).
export function setUnitNames(fn) {
  unitNames = fn;
}

// unitText writes a unit for people, as the server's present.Unit does:
// "10^6 km^2" becomes "million km²" and "degC" becomes "°C".
export function unitText(u) {
  if (!u) return '';
  const reviewed = lang() !== 'en' && unitNames ? unitNames(u) : '';
  if (reviewed) return reviewed;
  let s = u.startsWith('10^6 ') ? t('common:unit.million', {unit: u.slice(5)}) : u;
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

const numberFormats = new Map();

// nf returns a cached Intl.NumberFormat of the current language.
export function nf(opts = {}) {
  const key = locale() + JSON.stringify(opts);
  if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(locale(), opts));
  return numberFormats.get(key);
}

// num writes a number with at most digits fraction digits (3 by default)
// and the current language's separators; null and NaN become an en dash.
// The minus sign is U+2212, as in the server's text.
export function num(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return nf({maximumFractionDigits: digits, minimumFractionDigits: 0}).format(x).replace('-', '−');
}

// fixed writes a number with exactly digits fraction digits.
export function fixed(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return nf({maximumFractionDigits: digits, minimumFractionDigits: digits}).format(x).replace('-', '−');
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
// tonnes become Mt or Gt, other units take "million" or "billion" (in
// Chinese 萬 and 億). The exact value is returned too, for a title
// attribute, and, when the text is a plain number times a scale followed
// by a tail (" Gt", " GWh"), div and tail so that axis ticks can share
// the scale.
export function quantity(x, unit) {
  if (x === null || x === undefined || Number.isNaN(x)) return {text: '–', exact: ''};
  const exact = num(x, 6) + unitSuffix(unit);
  const a = Math.abs(x);
  const isTonnes = unit === 't' || (unit || '').startsWith('t ');
  const rest = isTonnes ? unit.slice(1) : '';
  if (isTonnes && a >= 1e9) return {text: fixed(x / 1e9, 2) + ' Gt' + rest, exact, div: 1e9, tail: ' Gt' + rest};
  if (isTonnes && a >= 1e6) return {text: fixed(x / 1e6, 1) + ' Mt' + rest, exact, div: 1e6, tail: ' Mt' + rest};
  // Other units are scaled by the language's own large-number words
  // (Intl's long compact notation): "1.23 billion" in English, "12.34億"
  // in Chinese, which counts in myriads.
  if (!isTonnes && (a >= 1e9 || (a >= 1e6 && unit !== '%'))) {
    return {text: nf({notation: 'compact', compactDisplay: 'long', minimumFractionDigits: 2, maximumFractionDigits: 2})
      .format(x).replace('-', '−') + unitSuffix(unit), exact};
  }
  const digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3;
  return {text: (digits === 3 ? num(x, 3) : fixed(x, digits)) + unitSuffix(unit), exact, div: 1, tail: unitSuffix(unit)};
}

// ordinal writes a rank as an ordinal of the current language ("3rd",
// "第3"), the plural category chosen by Intl.PluralRules through i18next.
export function ordinal(n) {
  return t('common:ordinal', {count: n, ordinal: true, n: nf().format(n)});
}

// ranked writes a competition rank with its direction: rank 1 is
// "highest" ("joint highest" for a tie), below it "3rd highest". word is
// "highest" or "lowest".
export function ranked(rank, word, tie) {
  const dir = word === 'lowest' ? 'lowest' : 'highest';
  const s = rank === 1 ? t(`common:rank.${dir}`) : t(`common:rank.${dir}Nth`, {ord: ordinal(rank), n: nf().format(rank)});
  return tie ? t('common:rank.joint', {rank: s}) : s;
}

// dayMonth writes "2023-02-21" (or "02-21") as "21 February" ("2月21日").
export function dayMonth(date) {
  const parts = date.split('-');
  const [m, d] = parts.length === 3 ? [parts[1], parts[2]] : [parts[0], parts[1]];
  return dtf({day: 'numeric', month: 'long'}).format(utc(2000, +m, +d));
}

// dateText writes YYYY-MM-DD as "21 February 2023" ("2023年2月21日"),
// YYYY-MM as "February 2023" ("2023年2月") and YYYY as the year.
export function dateText(date) {
  if (!date) return '';
  const p = String(date).split('-');
  if (p.length === 3) return dtf({day: 'numeric', month: 'long', year: 'numeric'}).format(utc(+p[0], +p[1], +p[2]));
  if (p.length === 2) return dtf({month: 'long', year: 'numeric'}).format(utc(+p[0], +p[1], 1));
  return p.length === 1 && /^\d{4}$/.test(p[0]) && lang() !== 'en' ? dtf({year: 'numeric'}).format(utc(+p[0], 7, 1)) : String(date);
}

// seasonLabels name the three-month season centred on each month in
// English (the dating of the ONI: the value dated June is May-June-July,
// "MJJ"), as NOAA writes them.
const seasonLabels = ['DJF', 'JFM', 'FMA', 'MAM', 'AMJ', 'MJJ', 'JJA', 'JAS', 'ASO', 'SON', 'OND', 'NDJ'];

// seasonText writes a date of a three-month series (YYYY-MM, dated by its
// centre month) as its season: "MJJ 2026" in English; in Chinese the
// range of months, "2026年5月至7月".
export function seasonText(date) {
  const p = String(date).split('-');
  if (p.length < 2) return String(date);
  if (lang() === 'en') return `${seasonLabels[+p[1] - 1]} ${p[0]}`;
  return dtf({month: 'long', year: 'numeric'}).formatRange(utc(+p[0], +p[1] - 1, 1), utc(+p[0], +p[1] + 1, 1));
}

// seasonName is the season centred on month m (1..12): "MJJ", "5月至7月".
export function seasonName(m) {
  if (!(m >= 1 && m <= 12)) return String(m);
  if (lang() === 'en') return seasonLabels[m - 1];
  return dtf({month: 'long'}).formatRange(utc(2001, m - 1, 1), utc(2001, m + 1, 1));
}

// ageText writes a data age in days: "today", "12 days old", "3 months
// old", "1.5 years old" (unit names from Intl.NumberFormat, "today" from
// Intl.RelativeTimeFormat).
export function ageText(days) {
  if (days === null || days === undefined) return '';
  if (days <= 0) return new Intl.RelativeTimeFormat(locale(), {numeric: 'auto'}).format(0, 'day');
  let span;
  if (days < 60) span = nf({style: 'unit', unit: 'day', unitDisplay: 'long'}).format(days);
  else if (days < 730) span = nf({style: 'unit', unit: 'month', unitDisplay: 'long'}).format(Math.round(days / 30.44));
  else span = nf({style: 'unit', unit: 'year', unitDisplay: 'long', minimumFractionDigits: 1, maximumFractionDigits: 1}).format(days / 365.25);
  return t('common:age.old', {span});
}

// list joins items with the current language's conjunction ("a, b and
// c", "a、b和c") by Intl.ListFormat.
export function list(items, type = 'conjunction') {
  return new Intl.ListFormat(locale(), {style: 'long', type}).format(items.map(String));
}

// countryName is the name of a country in the current language from CLDR
// (Intl.DisplayNames), given the API's ISO 3166-1 alpha-3 code; fallback
// (the API's English name) for aggregates and codes CLDR lacks, and always
// in English so that the page reads as the API does.
export function countryName(code, fallback) {
  if (lang() === 'en') return fallback || code;
  const a2 = alpha2(code);
  if (!a2) return fallback || code;
  try {
    const name = new Intl.DisplayNames([locale()], {type: 'region', fallback: 'none'}).of(a2);
    return name || fallback || code;
  } catch {
    return fallback || code;
  }
}

// pct writes a percentage with one decimal ("12.3%").
export function pct(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return nf({style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits}).format(x / 100).replace('-', '−');
}

// signedPct writes a change in percent with its sign ("+12.3%", "−4.1%")
// by Intl's percent style.
export function signedPct(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return nf({style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: digits, minimumFractionDigits: digits}).format(x / 100).replace('-', '−');
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
