/**
 * Charts rendered to SVG at build time, so they read without JavaScript: the specs of chart-spec.ts
 * drawn into a linkedom document. Long series are downsampled for display (min/max per bucket,
 * regressions always kept).
 */
import { parseHTML } from 'linkedom';
import {
  type ParameterChartOptions,
  type ParameterPoint,
  type ProbePoint,
  type ProbesChartOptions,
  parameterChart,
  platformsChart,
  probesChart,
  type SeriesChartOptions,
  seriesChart,
  thinForDisplay,
} from '../shared/chart-spec.ts';
import type { SeriesMeasurement } from '../shared/series-measurement.ts';

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

export function renderSeriesChartSvg(series: readonly SeriesMeasurement[], options: SeriesChartOptions): string {
  return compactSvg(seriesChart(thinForDisplay(series), series.length, options, { document: plotDocument() }).outerHTML);
}

/** One metric on every platform; a platform's colour is its position in `platforms`, as in the page's legend. */
export function renderPlatformsChartSvg(
  platforms: ReadonlyArray<{ platform: string; points: readonly SeriesMeasurement[] }>,
  options: { title: string; unit: string; relative: boolean },
): string {
  const drawn = platforms.map(({ platform, points }, colour) => ({ platform, colour, points: thinForDisplay(points) }));
  return compactSvg(platformsChart(drawn, options, { document: plotDocument() }).outerHTML);
}

export function renderParameterChartSvg(points: readonly ParameterPoint[], options: ParameterChartOptions): string {
  return compactSvg(parameterChart(points, options, { document: plotDocument() }).outerHTML);
}

export function renderProbesChartSvg(points: readonly ProbePoint[], options: ProbesChartOptions): string {
  return compactSvg(probesChart(points, options, { document: plotDocument() }).outerHTML);
}

/**
 * A chart as a file of its own (an `<img>` on pages with many charts): it needs its namespace, and its
 * colours from the system theme, since the page's stylesheet does not reach into an image. The script
 * that inlines it (interactive-charts.ts) drops that style, which would otherwise apply to the whole page.
 */
export function standaloneSvg(svg: string): string {
  const theme =
    '<style data-standalone="">svg{color:#1b1f24;background:#fff;--plot-background:#fff}@media (prefers-color-scheme:dark){svg{color:#e6edf3;background:#0d1117;--plot-background:#0d1117}}</style>';
  // Serialised as HTML: an attribute may hold a bare < or >, and a no-break space is &nbsp;, neither of which XML allows.
  const xml = svg
    .replaceAll(/="([^"]*)"/g, (_, value: string) => `="${value.replaceAll('<', '&lt;').replaceAll('>', '&gt;')}"`)
    .replaceAll('&nbsp;', '&#160;');
  return xml.replace(/^<svg /, '<svg xmlns="http://www.w3.org/2000/svg" ').replace(/(<svg [^>]*>)/, `$1${theme}`);
}
