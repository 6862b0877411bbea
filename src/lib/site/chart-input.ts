/**
 * Everything a chart is drawn from, as the build cache keys it (build-cache.ts): the numbers as their bytes,
 * not as JSON (formatting 5,000,000 numbers was 3 s of a 100,000-run build), the texts as text.
 */
import type { SeriesMeasurement } from '../shared/series-measurement.ts';

export function seriesChartInput(series: readonly SeriesMeasurement[]): Array<string | NodeJS.ArrayBufferView> {
  const numbers = new Float64Array(series.length * 5);
  // Which of low, high and baseline are missing, so that a missing number never hashes as one that is there.
  const missing = new Uint8Array(series.length);
  series.forEach((point, index) => {
    numbers.set([point.time, point.value, point.low ?? 0, point.high ?? 0, point.baseline ?? 0], index * 5);
    missing[index] = (point.low === null ? 1 : 0) | (point.high === null ? 2 : 0) | (point.baseline === null ? 4 : 0);
  });
  return [numbers, missing, series.map((point) => `${point.runId}\u0000${point.status}`).join('\u0000')];
}
