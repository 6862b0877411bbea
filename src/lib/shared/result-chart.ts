/** The explorer's chart of a result (result-view.ts): a line per series over time, or a bar per category. */
import * as Plot from '@observablehq/plot';
import { CHART_POINTS, type ChartInput } from './result-view.ts';

export function drawResultChart(chart: ChartInput): Element {
  const figure = document.createElement('figure');
  const shown =
    chart.total > chart.points.length
      ? ` (the first ${chart.points.length.toLocaleString('en')} of ${chart.total.toLocaleString('en')} rows)`
      : '';
  const plot =
    chart.kind === 'time'
      ? Plot.plot({
          width: 960,
          height: 320,
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
          width: 960,
          height: Math.max(120, 24 * chart.points.length + 40),
          marginLeft: 200,
          x: { label: chart.y, grid: true },
          y: { label: chart.x },
          marks: [Plot.barX(chart.points, { x: 'y', y: 'x', fill: 'currentColor', fillOpacity: 0.7, tip: true }), Plot.ruleX([0])],
        });
  const caption = document.createElement('figcaption');
  caption.className = 'muted';
  caption.textContent = `${chart.y} by ${chart.x}${chart.series ? `, one colour per ${chart.series}` : ''}${shown}`;
  figure.append(plot, caption);
  return figure;
}
