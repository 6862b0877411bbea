/**
 * The build cache's check of a kept chart (chart-svg-check.ts): it takes what perfsite draws, long series
 * included, and refuses a chart with anything a page could run or follow.
 */
import { describe, expect, it } from 'vitest';
import type { SeriesMeasurement } from '../../src/lib/shared/series-measurement.ts';
import { isPlainChartSvg } from '../../src/lib/site/chart-svg-check.ts';
import { renderSeriesChartSvg } from '../../src/lib/site/charts.ts';

/** A drawn chart of `runs` runs: a long path with no space in its data, where a backtracking check slows to a crawl. */
function drawnChart(runs: number): string {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const series: SeriesMeasurement[] = Array.from({ length: runs }, (_, index) => ({
    runId: `run-${index}`,
    time: start + index * 3_600_000,
    value: 1 + (index % 7) / 100,
    low: 0.99,
    high: 1.08,
    baseline: 1.02,
    status: 'unchanged',
  }));
  return renderSeriesChartSvg(series, { title: 'parse <fast>', unit: 's', direction: 'lower', threshold: 0.2 });
}

describe('a kept chart', () => {
  const chart = drawnChart(2_000);

  it('is taken when it is what the build draws', () => {
    expect(chart.length).toBeGreaterThan(5_000);
    expect(isPlainChartSvg(chart)).toBe(true);
  });

  it.each([
    ['an event handler', (svg: string) => svg.replace('<svg ', '<svg onload="alert(1)" ')],
    ['an unquoted event handler', (svg: string) => svg.replace('<svg ', '<svg onload=alert(1) ')],
    ['an event handler after a slash', (svg: string) => svg.replace('<svg ', '<svg/onload=alert(1) ')],
    ['an event handler after a long path', (svg: string) => svg.replace(/(<path [^>]*)>/, '$1 onmouseover=alert(1)>')],
    ['a link', (svg: string) => svg.replace('<g ', '<g href="https://example.invalid" ')],
    ['a script', (svg: string) => svg.replace('</svg>', '<script>alert(1)</script></svg>')],
    ['a foreign element', (svg: string) => svg.replace('</svg>', '<foreignObject></foreignObject></svg>')],
    [
      'a style that loads something',
      (svg: string) => svg.replace('</svg>', '<style>g{background:url(https://example.invalid)}</style></svg>'),
    ],
  ])('is refused with %s', (_, tamper) => {
    const tampered = tamper(chart);
    expect(tampered).not.toBe(chart);
    expect(isPlainChartSvg(tampered)).toBe(false);
  });
});
