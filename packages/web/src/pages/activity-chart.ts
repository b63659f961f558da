/**
 * The admin area's methods-activity chart: methods registered per day, one stacked bar per day,
 * drawn on the server as SVG (no script, no external asset: the CSP allows it), with the same
 * figures in a table beside it. The SVG is an image with a title and a description; the table
 * is the accessible form of the data (WCAG 1.1.1), and the colours keep 3:1 against white
 * (WCAG 1.4.11) with a legend naming each.
 *
 * @module
 */

import { html } from "hono/html";
import type { Html } from "../html.js";

/** One series of the chart: a method and its count per day (same order as the days). */
export interface ActivitySeries {
  /** The method's name, in the page's language. */
  readonly label: string;
  readonly counts: readonly number[];
}

/** What the chart shows. */
export interface ActivityData {
  /** UTC days, `YYYY-MM-DD`, oldest first. */
  readonly days: readonly string[];
  readonly series: readonly ActivitySeries[];
}

/** Colours with at least 3:1 contrast on white, one per series (repeated past seven). */
const COLOURS = ["#1f4e9c", "#b3261e", "#1b6e3a", "#6b21a8", "#8a4b00", "#00607a", "#4d4d4d"];

const WIDTH = 720;
const HEIGHT = 260;
const LEFT = 44;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 36;

/** Labels of the chart and its table. */
export interface ActivityLabels {
  readonly title: string;
  readonly description: string;
  readonly caption: string;
  readonly day: string;
  readonly total: string;
}

/**
 * Counts of `timestamps` (epoch ms, with their series index) per UTC day of `days`, per series:
 * the data of {@link activityChart}.
 */
export function countPerDay(
  days: readonly string[],
  labels: readonly string[],
  events: ReadonlyArray<{ readonly series: number; readonly at: number }>,
): ActivityData {
  const index = new Map(days.map((d, i) => [d, i]));
  const counts = labels.map(() => days.map(() => 0));
  for (const e of events) {
    const day = index.get(new Date(e.at).toISOString().slice(0, 10));
    const row = counts[e.series];
    if (day !== undefined && row) row[day] = (row[day] ?? 0) + 1;
  }
  return { days, series: labels.map((label, i) => ({ label, counts: counts[i] ?? [] })) };
}

/** The stacked bar chart and its table. */
export function activityChart(data: ActivityData, labels: ActivityLabels): Html {
  const { days, series } = data;
  const totals = days.map((_, d) => series.reduce((sum, s) => sum + (s.counts[d] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const step = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(2, step * 0.7);
  const y = (value: number) => TOP + plotHeight - (value / max) * plotHeight;
  // A label under every few bars, so they do not overlap.
  const every = Math.ceil(days.length / 10);
  const ticks = [...new Set([0, Math.round(max / 2), max])];
  const bars = days.map((day, d) => {
    let base = 0;
    const x = LEFT + d * step + (step - barWidth) / 2;
    return series.map((s, i) => {
      const n = s.counts[d] ?? 0;
      if (n === 0) return "";
      const top = y(base + n);
      const rect = html`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - top).toFixed(1)}" fill="${COLOURS[i % COLOURS.length]}"><title>${day}: ${s.label} ${n}</title></rect>`;
      base += n;
      return rect;
    });
  });
  return html`<figure class="chart">
<svg role="img" aria-labelledby="chart-title chart-description" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">${labels.title}</title>
<desc id="chart-description">${labels.description}</desc>
${ticks.map(
  (t) =>
    html`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#767676" stroke-width="0.5"></line><text x="${LEFT - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#1a1a1a">${t}</text>`,
)}
${bars}
${days.map((day, d) =>
  d % every === 0
    ? html`<text x="${(LEFT + d * step + step / 2).toFixed(1)}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" fill="#1a1a1a">${day.slice(5)}</text>`
    : "",
)}
</svg>
<figcaption><ul class="legend">${series.map(
    (s, i) =>
      html`<li><svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"></rect></svg> ${s.label}</li>`,
  )}</ul></figcaption>
</figure>
<div class="table-wrap" role="region" aria-labelledby="activity-caption" tabindex="0">
<table id="activity-table">
<caption id="activity-caption">${labels.caption}</caption>
<thead><tr><th scope="col">${labels.day}</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}<th scope="col">${labels.total}</th></tr></thead>
<tbody>${days.map(
    (day, d) =>
      html`<tr><th scope="row">${day}</th>${series.map((s) => html`<td>${s.counts[d] ?? 0}</td>`)}<td>${totals[d]}</td></tr>`,
  )}</tbody>
</table>
</div>`;
}
