/**
 * What each chart looks like, as Observable Plot specs, with no DOM of its own: the build renders them
 * to SVG with linkedom (charts.ts) and the browser re-renders the same specs with tooltips, zoom,
 * a date range, platform toggles and a log scale (src/scripts/interactive-charts.ts).
 */
import * as Plot from '@observablehq/plot';
import type { Direction } from './direction.ts';
import { downsampleMinMax } from './downsample.ts';
import { axisFormat } from './format.ts';
import type { SeriesMeasurement } from './series-measurement.ts';

export type Drawn = SeriesMeasurement & { date: Date };

/** Points a chart draws at most, per series: enough for its width, few enough to keep pages light. */
export const MAX_CHART_POINTS = 160;

export const isRegression = (point: SeriesMeasurement) => point.status === 'regression';

/** Thins a series for display (never hiding a spike or a regression) and gives the kept points dates. */
export function thinForDisplay(series: readonly SeriesMeasurement[], maxPoints = MAX_CHART_POINTS): Drawn[] {
  return downsampleMinMax(series, maxPoints, (point) => point.value, isRegression).map((point) => ({
    ...point,
    date: new Date(point.time),
  }));
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

/** What the browser adds to a chart the build drew. */
export interface ViewOptions {
  document: Document;
  /** Zoomed or ranged: the dates shown. */
  xDomain?: [Date, Date];
  log?: boolean;
  /** Tooltip text of a point; without it, no tooltip. */
  tip?: (point: Drawn) => string;
}

/** A change point as a chart draws it: a rule at its first run, and the mean level on each side. */
export interface ChartChange {
  time: number;
  meanBefore: number;
  meanAfter: number;
  worse: boolean;
}

/**
 * Charts are drawn about as wide as a phone shows them, with 12 px text: scaled to a 350 px column the
 * text is still 9 px high (drawn 640 px wide with 10 px text, it shrank to 5 px).
 */
const FONT_SIZE = 12;
/** Pixels per character of a tick label at that size, measured on the widest digits. */
const TICK_CHARACTER_WIDTH = 7.2;

/** The left margin the longest of these tick labels needs, so none is cut off ("00000085" of "0.00000085"). */
function marginFor(labels: readonly string[]): number {
  return Math.max(40, Math.ceil(Math.max(0, ...labels.map((label) => label.length)) * TICK_CHARACTER_WIDTH) + 12);
}

/** The value axis: ticks by the one number formatter, and a margin wide enough for them. */
function valueAxis(unit: string, values: readonly number[]) {
  const { label, tick } = axisFormat(unit);
  const finite = values.filter(Number.isFinite);
  const extremes = finite.length > 0 ? [Math.min(...finite), Math.max(...finite)] : [];
  // Ticks between the extremes are rounder than they, so no longer than the extremes' four digits.
  return { label, tickFormat: tick, marginLeft: marginFor(extremes.map(tick)) };
}

const DAY_MS = 86_400_000;

/** The dates shown: the view's zoom, else all of them; a single moment gets a day either side, so that its axis has dated ticks. */
function timeDomain(view: ViewOptions, dates: readonly Date[]): { domain?: [Date, Date] } {
  if (view.xDomain) return { domain: view.xDomain };
  const moments = new Set(dates.map((date) => date.getTime()));
  const [only] = moments;
  if (moments.size !== 1 || only === undefined) return {};
  return { domain: [new Date(only - DAY_MS), new Date(only + DAY_MS)] };
}

/** A line needs two points: a series with one shows it as a dot until the next run draws its line. */
const LONE_POINT_RADIUS = 4;

/** What every chart shares: size, margin, label, and a time axis the browser may zoom. */
function frame(
  view: ViewOptions,
  options: { title: string; width?: number; height?: number },
  size: { width: number; height: number },
  dates: readonly Date[],
  marginLeft = 56,
) {
  return {
    document: view.document,
    width: options.width ?? size.width,
    height: options.height ?? size.height,
    marginLeft,
    style: { fontSize: `${FONT_SIZE}px` },
    ariaLabel: options.title,
    x: { type: 'utc' as const, label: null, ...timeDomain(view, dates) },
    clip: view.xDomain !== undefined,
  };
}

/** The size a series chart is drawn at (and its image's box, so the page does not move as it loads). */
export const SERIES_CHART_SIZE = { width: 480, height: 220 } as const;

export interface SeriesChartOptions {
  title: string;
  unit: string;
  direction: Direction;
  threshold: number;
  changes?: readonly ChartChange[];
  /** Runs that left the series' level and came straight back: outliers, ringed, never counted as changes. */
  outliers?: readonly string[];
  width?: number;
  height?: number;
}

/** The mean level between consecutive change points, from the first drawn point to the last. */
function levelSegments(changes: readonly ChartChange[], points: readonly Drawn[]): Array<{ from: Date; to: Date; mean: number }> {
  const first = points[0]?.date;
  const last = points.at(-1)?.date;
  if (!first || !last || changes.length === 0) return [];
  const sorted = [...changes].sort((a, b) => a.time - b.time);
  return [
    { from: first, to: new Date((sorted[0] as ChartChange).time), mean: (sorted[0] as ChartChange).meanBefore },
    ...sorted.map((change, index) => ({
      from: new Date(change.time),
      to: index + 1 < sorted.length ? new Date((sorted[index + 1] as ChartChange).time) : last,
      mean: change.meanAfter,
    })),
  ].filter((segment) => segment.from.getTime() <= segment.to.getTime());
}

/**
 * A metric over time on one platform: the measured values, the spread of their samples as a band,
 * the baseline as a dashed line, the regression threshold as a dotted red line, regressions marked.
 * `shown` is how many measurements the series has in all, for the description.
 */
export function seriesChart(points: readonly Drawn[], shown: number, options: SeriesChartOptions, view: ViewOptions) {
  const banded = points.filter((point) => point.low !== null && point.high !== null);
  const withBaseline = points.filter((point) => point.baseline !== null);
  const limit = (baseline: number) =>
    options.direction === 'lower' ? baseline * (1 + options.threshold) : baseline * (1 - options.threshold);
  const changes = (options.changes ?? []).map((change) => ({ ...change, date: new Date(change.time) }));
  const { marginLeft, ...axis } = valueAxis(options.unit, [
    ...points.flatMap((point) => [point.value, point.low ?? point.value, point.high ?? point.value]),
    ...withBaseline.map((point) => limit(point.baseline ?? 0)),
  ]);
  return Plot.plot({
    ...frame(
      view,
      options,
      SERIES_CHART_SIZE,
      points.map((point) => point.date),
      marginLeft,
    ),
    ariaDescription: `${points.length} of ${shown} measurements shown; dashed line: baseline; dotted red line: regression threshold; ringed: outliers.`,
    y: { grid: true, nice: true, zero: false, ...axis, ...(view.log ? { type: 'log' } : {}) },
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
      Plot.dot(points.length === 1 ? points : [], { x: 'date', y: 'value', r: LONE_POINT_RADIUS, fill: '#0969da' }),
      Plot.ruleY(levelSegments(changes, points), {
        y: 'mean',
        x1: 'from',
        x2: 'to',
        stroke: '#8250df',
        strokeWidth: 2,
        strokeOpacity: 0.85,
      }),
      Plot.ruleX(changes, {
        x: 'date',
        stroke: (change: ChartChange) => (change.worse ? '#cf222e' : '#1a7f37'),
        strokeDasharray: '3,2',
        strokeWidth: 1.5,
      }),
      Plot.dot(points.filter(isRegression), { x: 'date', y: 'value', r: 4, fill: '#cf222e', stroke: 'white', strokeWidth: 1 }),
      Plot.dot(
        points.filter((point) => options.outliers?.includes(point.runId)),
        { x: 'date', y: 'value', r: 6, fill: 'none', stroke: '#9a6700', strokeWidth: 1.5 },
      ),
      ...(view.tip ? [Plot.tip(points, Plot.pointerX({ x: 'date', y: 'value', title: view.tip }))] : []),
    ],
  });
}

export interface PlatformSeries {
  platform: string;
  /** Position of the platform in the page's legend, which picks its colour. */
  colour: number;
  points: readonly Drawn[];
}

/** One metric on every platform: absolute values, or each relative to its own latest baseline. */
export function platformsChart(
  platforms: readonly PlatformSeries[],
  options: { title: string; unit: string; relative: boolean; width?: number; height?: number },
  view: ViewOptions,
) {
  const rows = platforms.flatMap(({ platform, points }) => {
    const reference = [...points].reverse().find((point) => point.baseline !== null)?.baseline ?? null;
    return points
      .map((point) => ({ ...point, platform, shown: options.relative ? (reference ? point.value / reference : null) : point.value }))
      .filter((row): row is Drawn & { platform: string; shown: number } => row.shown !== null);
  });
  const { marginLeft, ...axis } = options.relative
    ? { marginLeft: 56, label: 'relative to baseline', tickFormat: '.0%' }
    : valueAxis(
        options.unit,
        rows.map((row) => row.shown),
      );
  return Plot.plot({
    ...frame(
      view,
      options,
      { width: 560, height: 280 },
      rows.map((row) => row.date),
      marginLeft,
    ),
    y: { grid: true, zero: false, ...axis, ...(view.log ? { type: 'log' } : {}) },
    // An HTML legend is written by the page: Plot's legends need a canvas, which a build-time DOM lacks.
    color: {
      type: 'ordinal',
      domain: platforms.map((series) => series.platform),
      range: platforms.map((series) => platformColour(series.colour)),
    },
    marks: [
      ...(options.relative ? [Plot.ruleY([1], { stroke: 'currentColor', strokeDasharray: '6,4', strokeOpacity: 0.6 })] : []),
      Plot.lineY(rows, { x: 'date', y: 'shown', stroke: 'platform', strokeWidth: 1.5 }),
      Plot.dot(
        rows.filter((row) => platforms.find((series) => series.platform === row.platform)?.points.length === 1),
        { x: 'date', y: 'shown', fill: 'platform', r: LONE_POINT_RADIUS },
      ),
      ...(view.tip
        ? [
            Plot.tip(
              rows,
              Plot.pointer({
                x: 'date',
                y: 'shown',
                stroke: 'platform',
                title: (row: Drawn & { platform: string }) => `${row.platform}\n${view.tip?.(row)}`,
              }),
            ),
          ]
        : []),
    ],
  });
}

/** One combination of a parameterised benchmark, in one run: where it sits on the x parameter and which line it is on. */
export interface ParameterPoint {
  /** The x parameter's value as text, and as a number when every value of it is one. */
  x: string;
  xNumber: number | null;
  line: string;
  value: number;
  /** The latest run, or the earlier one it is compared with. */
  run: 'latest' | 'earlier';
}

export interface ParameterChartOptions {
  title: string;
  unit: string;
  xName: string;
  /** The values of x in natural order (an ordinal axis when they are not all numbers). */
  xDomain: readonly string[];
  lines: readonly string[];
  logX: boolean;
  logY: boolean;
}

/**
 * asv's "parameter as x-axis": a benchmark's latest values across one parameter, a line per value of the
 * others, and an earlier run's values dashed beside them.
 */
export function parameterChart(points: readonly ParameterPoint[], options: ParameterChartOptions, view: ViewOptions) {
  const numeric = points.every((point) => point.xNumber !== null);
  const { marginLeft, ...axis } = valueAxis(
    options.unit,
    points.map((point) => point.value),
  );
  const x = numeric ? 'xNumber' : 'x';
  const earlier = points.filter((point) => point.run === 'earlier');
  const latest = points.filter((point) => point.run === 'latest');
  return Plot.plot({
    document: view.document,
    width: 560,
    height: 300,
    marginLeft,
    marginBottom: 40,
    style: { fontSize: `${FONT_SIZE}px` },
    ariaLabel: options.title,
    x: numeric
      ? { type: options.logX ? 'log' : 'linear', label: options.xName, grid: !options.logX }
      : { type: 'point', domain: [...options.xDomain], label: options.xName, padding: 0.3 },
    // A log axis draws a grid line at every minor tick: too many to read, and heavy on a page of many.
    y: { grid: !options.logY, zero: false, ...axis, ...(options.logY ? { type: 'log' } : {}) },
    color: { type: 'ordinal', domain: [...options.lines], range: options.lines.map((_, index) => platformColour(index)) },
    marks: [
      Plot.line(earlier, { x, y: 'value', stroke: 'line', strokeDasharray: '5,4', strokeOpacity: 0.7, sort: { channel: 'x' } }),
      Plot.line(latest, { x, y: 'value', stroke: 'line', strokeWidth: 1.75, sort: { channel: 'x' } }),
      // Dots mark where the measurements are, while there are few enough to tell apart.
      ...(latest.length <= 60 ? [Plot.dot(latest, { x, y: 'value', fill: 'line', r: 2.5 })] : []),
    ],
  });
}

/** A run of a commit a bisect measured: its place in the range (0 is the good end) and one metric's value. */
export interface ProbePoint {
  index: number;
  commit: string;
  side: 'good' | 'bad';
  value: number;
}

export interface ProbesChartOptions {
  title: string;
  unit: string;
  /** The culprit's place in the range, a rule drawn just before it; null when bisect found none. */
  culpritIndex: number | null;
  /** Commits in the range after its good end. */
  commits: number;
}

/**
 * What a bisect measured: every run of each commit it probed, by the commit's place in the range, coloured by
 * the end it was judged like, with a rule where the culprit starts. The reader sees the step, not a verdict alone.
 */
export function probesChart(points: readonly ProbePoint[], options: ProbesChartOptions, view: ViewOptions) {
  const { marginLeft, ...axis } = valueAxis(
    options.unit,
    points.map((point) => point.value),
  );
  return Plot.plot({
    document: view.document,
    width: 560,
    height: 260,
    marginLeft,
    marginBottom: 40,
    style: { fontSize: `${FONT_SIZE}px` },
    ariaLabel: options.title,
    ariaDescription: `${points.length} runs of ${new Set(points.map((point) => point.commit)).size} commits; ${options.culpritIndex === null ? 'no culprit' : `the culprit is at commit ${options.culpritIndex}`} of ${options.commits}.`,
    x: { label: 'commit in the range (0: the good end)', domain: [0, options.commits], nice: false, grid: true, tickFormat: 'd' },
    y: { grid: true, nice: true, zero: false, ...axis },
    color: { type: 'ordinal', domain: ['good', 'bad'], range: ['#1a7f37', '#cf222e'], legend: false },
    marks: [
      Plot.ruleX(options.culpritIndex === null ? [] : [options.culpritIndex - 0.5], {
        stroke: '#cf222e',
        strokeDasharray: '3,2',
        strokeWidth: 1.5,
      }),
      // Filled like the good end, rings like the bad one: told apart without their colours too.
      Plot.dot(
        points.filter((point) => point.side === 'good'),
        { x: 'index', y: 'value', fill: 'side', r: 3, fillOpacity: 0.8 },
      ),
      Plot.dot(
        points.filter((point) => point.side === 'bad'),
        { x: 'index', y: 'value', stroke: 'side', r: 3, strokeWidth: 1.5 },
      ),
    ],
  });
}
