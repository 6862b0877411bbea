/**
 * A parameter chart's points, as the build draws them and as the page redraws them beside another earlier
 * run: the page holds values only, placed by their positions in the chart's domain. Runs in the browser too.
 */
import type { ParameterChartOptions, ParameterPoint } from './chart-spec.ts';

/** A parameter value that is a number, as a number; null for any other text. */
export const asNumber = (text: string): number | null => (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text.trim()) ? Number(text) : null);

/**
 * What the page needs to redraw the parameter chart beside another earlier run: each combination's place,
 * its latest value, and for the baseline and each of the `count` runs before the latest, a value per
 * combination (null where that run did not measure it). Values only, aligned with `places`: a benchmark of
 * 222 combinations stays a few kilobytes a run.
 */
export interface EarlierChoices {
  titleStem: string;
  options: ParameterChartOptions;
  /** Each combination's place: its x value and its line, as positions in options.xDomain and options.lines. */
  places: Array<[number, number]>;
  latest: Array<number | null>;
  choices: Array<{ label: string; values: Array<number | null> }>;
}

/** The points of the chart with one of those choices beside the latest values. */
export function pointsBeside(data: EarlierChoices, choice: number): ParameterPoint[] {
  const earlier = data.choices[choice]?.values ?? [];
  return data.places.flatMap(([xIndex, lineIndex], index) => {
    const x = data.options.xDomain[xIndex] ?? '';
    const place = { x, xNumber: asNumber(x), line: data.options.lines[lineIndex] ?? '' };
    const points: ParameterPoint[] = [];
    const latest = data.latest[index];
    if (latest !== null && latest !== undefined) points.push({ ...place, value: latest, run: 'latest' });
    const before = earlier[index];
    if (before !== null && before !== undefined) points.push({ ...place, value: before, run: 'earlier' });
    return points;
  });
}
