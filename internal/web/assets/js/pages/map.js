// A world map of points (stations) drawn as SVG with d3-geo and
// topojson-client (classic scripts from /assets/vendor: globals d3 and
// topojson) over world-atlas's countries-110m outline. Every point is a link
// (keyboard-focusable, with a title), and the caller shows the same points
// in a table: the map is never the only way to the data.

import {t} from '../i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
const ATLAS = '/assets/vendor/world-atlas-countries-110m.json';

let atlas = null;

// hasMap reports whether d3-geo and topojson-client loaded.
export function hasMap() {
  return typeof globalThis.d3?.geoPath === 'function' && typeof globalThis.topojson?.feature === 'function';
}

// countries fetches (once) the world-atlas outline as GeoJSON.
async function countries() {
  if (!atlas) {
    const r = await fetch(ATLAS);
    if (!r.ok) throw new Error(`${ATLAS}: ${r.status}`);
    const topo = await r.json();
    atlas = globalThis.topojson.feature(topo, topo.objects.countries);
  }
  return atlas;
}

function el(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// drawMap draws the map into a new <figure> appended to parent. points:
// [{id, lat, lon, href, title, cls}]; label: the map's text alternative.
// It returns the figure, or null (after a message) without the libraries.
export async function drawMap(parent, points, label) {
  const fig = document.createElement('figure');
  fig.className = 'station-map';
  parent.append(fig);
  if (!hasMap()) {
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = t('stations:mapMissing');
    fig.append(p);
    return null;
  }
  const land = await countries();
  const width = 960;
  const height = 500;
  const d3 = globalThis.d3;
  const projection = d3.geoNaturalEarth1().fitSize([width, height], {type: 'Sphere'});
  const path = d3.geoPath(projection);
  const svg = el('svg', {viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': label, class: 'map-svg', style: 'width: 100%; height: auto; max-width: 960px'});
  svg.append(el('title', {}, label));
  svg.append(el('path', {d: path({type: 'Sphere'}), class: 'map-sphere', style: 'fill: none; stroke: var(--grid)'}));
  svg.append(el('path', {d: path(land), class: 'map-land', style: 'fill: var(--grid); stroke: var(--bg); stroke-width: 0.5'}));
  const dots = el('g', {class: 'map-points'});
  for (const p of points) {
    const xy = projection([p.lon, p.lat]);
    if (!xy) continue;
    const a = el('a', {href: p.href, class: 'map-point ' + (p.cls || ''), 'data-station': p.id, 'aria-label': p.title});
    a.append(el('circle', {cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: 5,
      style: `fill: var(${p.cls === 'tie' ? '--muted' : '--c-record'}); stroke: var(--bg); stroke-width: 1.5`}), el('title', {}, p.title));
    dots.append(a);
  }
  svg.append(dots);
  fig.append(svg);
  const cap = document.createElement('figcaption');
  cap.textContent = t('stations:mapKeys');
  fig.append(cap);
  return fig;
}
