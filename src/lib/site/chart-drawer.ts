/**
 * Draws series charts on a second thread. A chart is Plot drawing into linkedom's DOM, about 15 ms each, and a
 * build draws one per series (213 for django's history) while its one JavaScript thread also renders the
 * pages: the other core was idle for most of a build (BENCHMARKS.md, issue #31). The thread imports the
 * compiled site (`compiledEntry`, src/render/server-entry.ts) for its drawing code; without one (`astro dev`, a test
 * calling the writer directly) charts are drawn here.
 */
import { Worker } from 'node:worker_threads';
import type { SeriesChartOptions } from '../shared/chart-spec.ts';
import { neutralise } from '../shared/escape.ts';
import type { SeriesMeasurement } from '../shared/series-measurement.ts';
import { renderSeriesChartSvg, standaloneSvg } from './charts.ts';

/** A series' chart as its own SVG file, as the site publishes it. */
export function drawSeriesChart(series: readonly SeriesMeasurement[], options: SeriesChartOptions): string {
  return neutralise(standaloneSvg(renderSeriesChartSvg(series, options)));
}

interface DrawReply {
  id: number;
  svg?: string;
  error?: string;
}

/**
 * The drawing thread, started from its source text: it imports the compiled site and answers each request
 * with the chart drawn by the site's own drawSeriesChart.
 */
function drawingThread(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const port = parentPort;
  if (!port) throw new Error('the chart drawer runs as a worker thread');
  const drawn = import(workerData as string) as Promise<{ drawSeriesChart: typeof drawSeriesChart }>;
  port.on('message', ({ id, series, options }: { id: number; series: SeriesMeasurement[]; options: SeriesChartOptions }) => {
    drawn.then(
      (site) => {
        try {
          port.postMessage({ id, svg: site.drawSeriesChart(series, options) } satisfies DrawReply);
        } catch (error) {
          port.postMessage({ id, error: (error as Error).message } satisfies DrawReply);
        }
      },
      (error: Error) => port.postMessage({ id, error: `could not load the compiled site: ${error.message}` } satisfies DrawReply),
    );
  });
}

export class ChartDrawer {
  readonly #worker: Worker | undefined;
  readonly #waiting = new Map<number, PromiseWithResolvers<string>>();
  #next = 0;

  /** `compiledEntry`: the URL of the compiled site's entry, whose code the thread draws with. */
  constructor(compiledEntry: string | undefined) {
    if (!compiledEntry) return;
    this.#worker = new Worker(`(${drawingThread.toString()})()`, { eval: true, workerData: compiledEntry });
    this.#worker.on('message', ({ id, svg, error }: DrawReply) => {
      const waiting = this.#waiting.get(id);
      this.#waiting.delete(id);
      if (svg !== undefined) waiting?.resolve(svg);
      else waiting?.reject(new Error(`drawing a chart failed: ${error}`));
    });
    this.#worker.on('error', (error) => this.#failAll(error));
    this.#worker.on('exit', (code) => this.#failAll(new Error(`the chart drawing thread stopped (exit code ${code})`)));
  }

  draw(series: readonly SeriesMeasurement[], options: SeriesChartOptions): Promise<string> {
    if (!this.#worker) return Promise.resolve(drawSeriesChart(series, options));
    const id = this.#next++;
    const waiting = Promise.withResolvers<string>();
    this.#waiting.set(id, waiting);
    this.#worker.postMessage({ id, series, options });
    return waiting.promise;
  }

  async close(): Promise<void> {
    if (!this.#worker) return;
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }

  #failAll(error: Error): void {
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }
}
