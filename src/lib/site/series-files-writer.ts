/**
 * Writes each series' data file (data/series/<platform>/<slug>.json, what an interactive chart fetches)
 * and chart (charts/<platform>/<slug>.svg, the platform page's images) beside the pages, from one read
 * of the series: as Astro routes each was read once per file, twice in all (22 s of a 100,000-run build).
 * `astro dev` serves the same files from the routes under src/pages/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { neutralise } from '../shared/escape.ts';
import { seriesKey } from '../shared/keys.ts';
import { metricSlug } from '../store/metric-slug.ts';
import { resolveDataDir } from '../store/paths.ts';
import { BuildCache, type BuildCacheUse, buildCacheDir } from './build-cache.ts';
import type { ChartDrawer } from './chart-drawer.ts';
import { seriesChartInput } from './chart-input.ts';
import { isPlainChartSvg } from './chart-svg-check.ts';
import { allSeries, metricSeries, seriesChartOptions, seriesDataOf } from './series-views.ts';
import { loadSiteModel } from './site-model.ts';

/** Charts handed to the drawing thread and not yet written: enough to keep it busy, few enough to bound memory. */
const CHARTS_IN_FLIGHT = 16;

/**
 * Charts come from the build cache (build-cache.ts) where an earlier build of the same code (`codeVersion`)
 * drew the same series; the others are drawn by `drawer`, beside the data files.
 */
export async function writeSeriesFiles(
  outDir: string,
  codeVersion: string,
  drawer: ChartDrawer,
): Promise<{ written: number; charts: BuildCacheUse }> {
  const model = await loadSiteModel();
  const charts = BuildCache.open(buildCacheDir(resolveDataDir()), 'charts', codeVersion);
  const latest = new Map(model.latest.map((status) => [seriesKey(status), status]));
  let written = 0;
  const everySeries = await allSeries(model);
  const read = (index: number) => {
    const wanted = everySeries[index];
    return wanted && metricSeries(model, wanted.platform, wanted.suite, wanted.metric);
  };
  // The next series is read by DuckDB while this one is drawn and written.
  let next = read(0);
  const drawing: Promise<void>[] = [];
  for (const [index, { platform, suite, metric }] of everySeries.entries()) {
    const series = (await next) ?? [];
    next = read(index + 1);
    // Awaited at the next series: a failed read fails the build there, not as an unhandled rejection.
    next?.catch(() => {});
    const slug = metricSlug(suite, metric);
    const dataDir = path.join(outDir, 'data', 'series', platform);
    await mkdir(dataDir, { recursive: true });
    // Files written here skip the pages' middleware (src/middleware.ts): the same last guard, here.
    await writeFile(
      path.join(dataDir, `${slug}.json`),
      neutralise(JSON.stringify(await seriesDataOf(model, series, platform, suite, metric))),
    );
    const status = latest.get(seriesKey({ platform, suite, metric }));
    if (status) {
      const chartDir = path.join(outDir, 'charts', platform);
      await mkdir(chartDir, { recursive: true });
      const options = seriesChartOptions(model, status);
      const chart = charts
        .reuse([...seriesChartInput(series), JSON.stringify(options)], () => drawer.draw(series, options), isPlainChartSvg)
        .then((svg) => writeFile(path.join(chartDir, `${slug}.svg`), svg));
      // Awaited below, in order: a failed chart fails the build there, not as an unhandled rejection.
      chart.catch(() => {});
      drawing.push(chart);
      if (drawing.length >= CHARTS_IN_FLIGHT) await drawing.shift();
    }
    written++;
  }
  for (const chart of drawing) await chart;
  return { written, charts: await charts.close() };
}
