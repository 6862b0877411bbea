/**
 * The runs the /compare/ page can compare: those with a full page, each published with its measurements
 * (shared/published-run.ts says where and how). A build writes them from run-pages-writer.ts; `astro dev`
 * serves the same from src/pages/data/.
 */
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { neutralise } from '../shared/escape.ts';
import { metricKey } from '../shared/keys.ts';
import type { PublishedRun, PublishedRunInfo } from '../shared/published-run.ts';
import { queryRows } from '../store/duckdb.ts';
import { newestRunIds } from './run-index.ts';
import { type RunPage, runPage } from './run-page-model.ts';
import type { SiteModel } from './site-model.ts';

/**
 * Every sample of these runs, by run and then by metric key: the published run files carry them so that the
 * comparison page can test as `perfsite compare` does. Read for many runs per query: one scan of the history
 * for a few hundred runs, not one per run.
 */
export async function samplesOfRuns(model: SiteModel, runIds: readonly string[]): Promise<Map<string, Map<string, number[]>>> {
  const rows = await queryRows<{ run_id: string; suite: string; metric: string; samples: number[] }>(
    model.history.connection,
    `SELECT run_id, suite, metric, samples FROM metrics
     WHERE run_id IN (SELECT unnest($ids)) AND samples IS NOT NULL AND len(samples) > 0`,
    { ids: listValue([...runIds]) },
    { ids: LIST(VARCHAR) },
  );
  const byRun = new Map<string, Map<string, number[]>>();
  for (const row of rows) {
    const ofRun = byRun.get(row.run_id) ?? new Map<string, number[]>();
    ofRun.set(metricKey(row), row.samples);
    byRun.set(row.run_id, ofRun);
  }
  return byRun;
}

/** What the /compare/ page reads of a run with a full page: its measurements, as its statuses give them. */
export function publishedRun(page: RunPage, samples: ReadonlyMap<string, number[]> = new Map()): PublishedRun {
  return {
    runId: page.run.runId,
    platform: page.run.platform,
    timestamp: page.run.timestamp,
    gitCommit: page.run.gitCommit,
    gitTitle: page.run.gitMessage?.split('\n')[0] ?? null,
    metrics: page.statuses.map((status) => ({
      suite: status.suite,
      metric: status.metric,
      unit: status.unit,
      direction: status.direction,
      value: status.status === 'failed' ? null : status.current,
      samples: samples.get(metricKey(status)) ?? null,
      spread: status.spread,
      threshold: status.threshold,
    })),
  };
}

/** A published file's text: JSON with no control or bidi character of a stranger's left in it, as every file the site serves. */
export function publishedJson(value: unknown): string {
  return neutralise(JSON.stringify(value));
}

export function publishedRunInfo(run: PublishedRun): PublishedRunInfo {
  return { runId: run.runId, platform: run.platform, timestamp: run.timestamp, gitCommit: run.gitCommit, gitTitle: run.gitTitle };
}

/** Every run with a full page, published; for `astro dev`, where no build writes them. */
/** How many runs' samples are read in one query while run pages are written. */
export const SAMPLES_CHUNK = 500;

/**
 * The samples of each published run, read a chunk ahead of the run pages as they are written in `order`:
 * `of(id)` gives a run's samples, reading the chunk it starts when it is not read yet.
 */
export function samplesAhead(model: SiteModel, order: readonly string[]): { of(runId: string): Promise<ReadonlyMap<string, number[]>> } {
  let chunk = new Map<string, Map<string, number[]>>();
  let read = new Set<string>();
  let at = 0;
  return {
    async of(runId) {
      if (!read.has(runId)) {
        at = Math.max(at, order.indexOf(runId, at));
        const ids = order.slice(at, at + SAMPLES_CHUNK);
        at += ids.length;
        read = new Set(ids);
        chunk = await samplesOfRuns(model, ids);
      }
      return chunk.get(runId) ?? new Map();
    },
  };
}

export async function publishedRuns(model: SiteModel, perPlatform: number): Promise<PublishedRun[]> {
  const ids = [...(await newestRunIds(model, perPlatform))];
  const samples = await samplesOfRuns(model, ids);
  const runs: PublishedRun[] = [];
  for (const id of ids) {
    const page = await runPage(model, id, 'full');
    if (page) runs.push(publishedRun(page, samples.get(id)));
  }
  return runs;
}
