/**
 * Charts rendered to SVG at build time with Observable Plot, so they read without JavaScript.
 * Long series are downsampled for display (min/max per bucket, regressions always kept).
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { downsampleMinMax } from './downsample.ts';
import type { Direction } from './record.ts';
import type { SeriesMeasurement } from './status.ts';

export interface Point {
  date: Date;
  value: number;
}

type Drawn = SeriesMeasurement & { date: Date };

const isRegression = (point: SeriesMeasurement) => point.status === 'regression';

/** Thins a series for display and gives the kept points the dates Plot's time scale wants. */
function thinForDisplay(series: readonly SeriesMeasurement[]): Drawn[] {
  return downsampleMinMax(series, MAX_CHART_POINTS, (point) => point.value, isRegression).map((point) => ({
    ...point,
    date: new Date(point.time),
  }));
}

export const MAX_CHART_POINTS = 160;

/**
 * Plot writes coordinates with many decimals; a tenth of a pixel is finer than any screen shows,
 * and rounding roughly halves the weight of a page with many charts.
 */
export function compactSvg(svg: string): string {
  // Only geometry attributes: tick labels and titles keep every digit they were given.
  return svg.replaceAll(
    / (d|points|transform|x|y|x1|x2|y1|y2)="([^"]*)"/g,
    (_, name: string, value: string) => ` ${name}="${value.replaceAll(/(\d+\.\d)\d+/g, '$1')}"`,
  );
}

function plotDocument(): Document {
  return parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;
}

export function renderLineChartSvg(points: readonly Point[], options: { title?: string; width?: number; height?: number } = {}): string {
  const chart = Plot.plot({
    document: plotDocument(),
    width: options.width ?? 640,
    height: options.height ?? 240,
    ...(options.title ? { ariaLabel: options.title } : {}),
    x: { type: 'utc' },
    y: { grid: true },
    marks: [Plot.lineY(points, { x: 'date', y: 'value' }), Plot.dot(points, { x: 'date', y: 'value', r: 1.5 })],
  });
  return compactSvg(chart.outerHTML);
}

export interface SeriesChartOptions {
  title: string;
  unit: string;
  direction: Direction;
  threshold: number;
  width?: number;
  height?: number;
}

/**
 * A metric over time on one platform: the measured values, the spread of their samples as a band,
 * the baseline as a dashed line, the regression threshold as a dotted red line, regressions marked.
 */
export function renderSeriesChartSvg(series: readonly SeriesMeasurement[], options: SeriesChartOptions): string {
  const points = thinForDisplay(series);
  const banded = points.filter((point) => point.low !== null && point.high !== null);
  const withBaseline = points.filter((point) => point.baseline !== null);
  const limit = (baseline: number) =>
    options.direction === 'lower' ? baseline * (1 + options.threshold) : baseline * (1 - options.threshold);
  const chart = Plot.plot({
    document: plotDocument(),
    width: options.width ?? 640,
    height: options.height ?? 220,
    marginLeft: 56,
    ariaLabel: options.title,
    ariaDescription: `${points.length} of ${series.length} measurements shown; dashed line: baseline; dotted red line: regression threshold.`,
    x: { type: 'utc', label: null },
    y: { grid: true, label: options.unit, nice: true, zero: false },
    marks: [
      Plot.areaY(banded, { x: 'date', y1: 'low', y2: 'high', fill: 'currentColor', fillOpacity: 0.12 }),
      Plot.lineY(withBaseline, {
        x: 'date',
        y: 'baseline',
        stroke: 'currentColor',
        strokeOpacity: 0.6,
        strokeDasharray: '6,4',
        curve: 'step-after',
      }),
      Plot.lineY(withBaseline, {
        x: 'date',
        y: (point: Drawn) => limit(point.baseline ?? 0),
        stroke: '#cf222e',
        strokeDasharray: '1.5,3',
        strokeWidth: 1.5,
        curve: 'step-after',
      }),
      Plot.lineY(points, { x: 'date', y: 'value', stroke: '#0969da', strokeWidth: 1.5 }),
      Plot.dot(points.filter(isRegression), { x: 'date', y: 'value', r: 4, fill: '#cf222e', stroke: 'white', strokeWidth: 1 }),
    ],
  });
  return compactSvg(chart.outerHTML);
}

/** Categorical colours (Tableau 10), shared by the chart and the legend the page writes beside it. */
export const PLATFORM_COLOURS = [
  '#4e79a7',
  '#f28e2c',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc949',
  '#af7aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ab',
];

export function platformColour(index: number): string {
  return PLATFORM_COLOURS[index % PLATFORM_COLOURS.length] ?? '#888888';
}

export interface PlatformSeries {
  platform: string;
  points: readonly SeriesMeasurement[];
}

/** One metric on every platform: absolute values, or each relative to its own latest baseline. */
export function renderPlatformsChartSvg(
  platforms: readonly PlatformSeries[],
  options: { title: string; unit: string; relative: boolean; width?: number; height?: number },
): string {
  const rows = platforms.flatMap(({ platform, points }) => {
    const thinned = thinForDisplay(points);
    const reference = [...points].reverse().find((point) => point.baseline !== null)?.baseline ?? null;
    return thinned
      .map((point) => ({
        platform,
        date: point.date,
        value: options.relative ? (reference ? point.value / reference : null) : point.value,
      }))
      .filter((row): row is { platform: string; date: Date; value: number } => row.value !== null);
  });
  const chart = Plot.plot({
    document: plotDocument(),
    width: options.width ?? 720,
    height: options.height ?? 280,
    marginLeft: 56,
    ariaLabel: options.title,
    x: { type: 'utc', label: null },
    y: {
      grid: true,
      label: options.relative ? 'relative to baseline' : options.unit,
      zero: false,
      ...(options.relative ? { tickFormat: '.0%' } : {}),
    },
    // An HTML legend is written by the page: Plot's legends need a canvas, which a build-time DOM lacks.
    color: {
      type: 'ordinal',
      domain: platforms.map((series) => series.platform),
      range: platforms.map((_, index) => platformColour(index)),
    },
    marks: [
      ...(options.relative ? [Plot.ruleY([1], { stroke: 'currentColor', strokeDasharray: '6,4', strokeOpacity: 0.6 })] : []),
      Plot.lineY(rows, { x: 'date', y: 'value', stroke: 'platform', strokeWidth: 1.5 }),
    ],
  });
  return compactSvg(chart.outerHTML);
}
