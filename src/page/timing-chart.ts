import type { RequestRow } from '../status-api/status-api-types.js';
import { formatClock, formatMs } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 110;
const TOP = 16;
const BARS = 24;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

/** A rounded-up scale top: 1, 2 or 5 times a power of ten (in ms). */
function niceCeiling(ms: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(ms, 1)));
  for (const step of [1, 2, 5, 10]) if (step * power >= ms) return step * power;
  return 10 * power;
}

/**
 * The recent model requests as bars, oldest on the left: each bar's height is
 * the request's total time, its darker foot the time to first token. Drawn
 * into an SVG as wide as its box (redraw when the box changes width).
 */
export function drawTimingChart(target: SVGSVGElement, rows: readonly RequestRow[]): void {
  const timed = rows.filter((r) => r.ttftMs !== null).slice(0, BARS).reverse();
  // Drawn at the box's own width, so text keeps its size at any width.
  const WIDTH = Math.max(200, Math.round(target.getBoundingClientRect().width) || 320);
  target.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  target.setAttribute('height', String(HEIGHT));
  target.replaceChildren();
  const top = niceCeiling(Math.max(1, ...timed.map((r) => r.durationMs)));
  const scale = (ms: number) => ((HEIGHT - TOP) * Math.min(ms, top)) / top;
  target.append(svg('line', { x1: 0, x2: WIDTH, y1: TOP, y2: TOP, class: 'grid' }));
  target.append(svg('line', { x1: 0, x2: WIDTH, y1: HEIGHT - 0.5, y2: HEIGHT - 0.5, class: 'axis' }));
  const label = svg('text', { x: WIDTH - 2, y: TOP - 4, 'text-anchor': 'end', class: 'scale' });
  label.textContent = top >= 1000 ? `${top / 1000} s` : `${top} ms`;
  target.append(label);
  if (timed.length === 0) {
    const empty = svg('text', { x: WIDTH / 2, y: HEIGHT / 2 + 6, 'text-anchor': 'middle', class: 'empty' });
    empty.textContent = 'No answered requests yet';
    target.append(empty);
    return;
  }
  const slot = WIDTH / BARS;
  timed.forEach((row, i) => {
    const x = i * slot + slot * 0.15;
    const width = slot * 0.7;
    const total = scale(row.durationMs);
    const first = scale(row.ttftMs ?? 0);
    const group = svg('g', { class: row.status >= 400 ? 'bar failed' : 'bar' });
    const title = svg('title', {});
    title.textContent = `${formatClock(row.startedAt)} ${row.model ?? ''}: first token ${formatMs(row.ttftMs)}, total ${formatMs(row.durationMs)}`;
    group.append(title);
    group.append(svg('rect', { x, width, y: HEIGHT - total, height: Math.max(total, 1), class: 'total' }));
    group.append(svg('rect', { x, width, y: HEIGHT - first, height: Math.max(first, 1), class: 'ttft' }));
    target.append(group);
  });
}
