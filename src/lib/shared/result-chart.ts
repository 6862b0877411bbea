/** The explorer's chart of a result (result-view.ts): a line per series over time, or a bar per category. */
import * as Plot from '@observablehq/plot';
import { CHART_POINTS, type ChartInput } from './result-view.ts';

/** Text at this size stays readable because the chart is drawn at the width it is shown at, not scaled down to it. */
const FONT_SIZE = 12;
/** Pixels per character of a 12 px label, for the margin a bar chart's category names need. */
const LABEL_CHARACTER_WIDTH = 7;

/** `width`: the box it is shown in (a phone's column, a desktop's 960 px at most). */
export function drawResultChart(chart: ChartInput, width: number): Element {
  const drawnWidth = Math.round(Math.min(960, Math.max(280, width)));
  const longestLabel = Math.max(0, ...chart.points.map((point) => String(point.x).length));
  const barMargin = Math.min(Math.round(drawnWidth * 0.4), Math.max(60, longestLabel * LABEL_CHARACTER_WIDTH + 12));
  const figure = document.createElement('figure');
  const shown =
    chart.total > chart.points.length
      ? ` (the first ${chart.points.length.toLocaleString('en')} of ${chart.total.toLocaleString('en')} rows)`
      : '';
  const plot =
    chart.kind === 'time'
      ? Plot.plot({
          width: drawnWidth,
          height: 320,
          style: { fontSize: `${FONT_SIZE}px` },
          marginLeft: 64,
          x: { type: 'utc', label: chart.x },
          y: { label: chart.y, grid: true },
          ...(chart.series ? { color: { legend: true, label: chart.series } } : {}),
          marks: [
            chart.points.length < CHART_POINTS
              ? Plot.lineY(chart.points, { x: 'x', y: 'y', stroke: chart.series ? 'series' : 'currentColor', strokeOpacity: 0.6 })
              : null,
            Plot.dot(chart.points, { x: 'x', y: 'y', r: 1.5, fill: chart.series ? 'series' : 'currentColor', tip: true }),
          ],
        })
      : Plot.plot({
          width: drawnWidth,
          height: Math.max(120, 24 * chart.points.length + 40),
          style: { fontSize: `${FONT_SIZE}px` },
          marginLeft: barMargin,
          x: { label: chart.y, grid: true },
          // The caption names both axes; a rotated label would sit on the category names.
          y: { label: null },
          marks: [Plot.barX(chart.points, { x: 'y', y: 'x', fill: 'currentColor', fillOpacity: 0.7, tip: true }), Plot.ruleX([0])],
        });
  const caption = document.createElement('figcaption');
  caption.className = 'muted';
  caption.textContent = `${chart.y} by ${chart.x}${chart.series ? `, one colour per ${chart.series}` : ''}${shown}`;
  figure.append(plot, caption);
  return figure;
}
