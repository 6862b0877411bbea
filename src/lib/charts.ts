/** Charts rendered to SVG at build time with Observable Plot, so they read without JavaScript. */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export interface Point {
  date: Date;
  value: number;
}

export function renderLineChartSvg(points: readonly Point[], options: { title?: string; width?: number; height?: number } = {}): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const chart = Plot.plot({
    document: document as unknown as Document,
    width: options.width ?? 640,
    height: options.height ?? 240,
    ...(options.title ? { ariaLabel: options.title } : {}),
    x: { type: 'utc' },
    y: { grid: true },
    marks: [Plot.lineY(points, { x: 'date', y: 'value' }), Plot.dot(points, { x: 'date', y: 'value', r: 1.5 })],
  });
  return chart.outerHTML;
}
