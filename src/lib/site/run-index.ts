/**
 * Every run of the history in id order, read once per build, and each run's statuses, read 500 runs at a
 * time: what run pages, series data files and comparisons look a run up in.
 */
import { materialisedStatuses } from '../analysis/materialised-baselines.ts';
import { RUN_COLUMNS, type RunInfo, toRunInfo } from '../analysis/queries.ts';
import type { MetricStatus } from '../analysis/status.ts';
import { metricKey } from '../shared/keys.ts';
import { compareSeries } from '../shared/natural-order.ts';
import { queryRows } from '../store/duckdb.ts';
import type { SiteModel } from './site-model.ts';

const RUN_CHUNK = 500;

/**
 * Run pages are rendered in id order: their statuses are read 500 runs at a time, not one query a page,
 * and the next chunk is read while this one's pages are rendered (DuckDB busy while JavaScript is).
 */
function statusesOfChunk(model: SiteModel, runIds: readonly string[], index: number): Promise<Map<string, MetricStatus[]>> {
  const chunk = readChunk(model, runIds, index);
  if ((index + 1) * RUN_CHUNK < runIds.length) readChunk(model, runIds, index + 1).catch(() => {});
  return chunk;
}

/** Each metric's place in natural order (model.metrics is sorted so): a run's statuses sort by a number, not by names. */
function metricOrder(model: SiteModel): Map<string, number> {
  return model.history.memo('site:metric-order', () => new Map(model.metrics.map((metric, index) => [metricKey(metric), index])));
}

function readChunk(model: SiteModel, runIds: readonly string[], index: number): Promise<Map<string, MetricStatus[]>> {
  const chunkCache = model.history.memo('site:status-chunks', () => new Map<number, Promise<Map<string, MetricStatus[]>>>());
  const cached = chunkCache.get(index);
  if (cached) return cached;
  const first = runIds[index * RUN_CHUNK] as string;
  const last = runIds[Math.min(runIds.length, (index + 1) * RUN_CHUNK) - 1] as string;
  const read = materialisedStatuses(model.history, model.settings, { first, last }).then((statuses) => {
    const byRun = Map.groupBy(statuses, (status) => status.runId);
    const order = metricOrder(model);
    // Ranked once per status, not once per comparison: 5,000,000 statuses at 100,000 runs.
    const ranks = new Map(statuses.map((status) => [status, order.get(metricKey(status)) ?? Number.POSITIVE_INFINITY]));
    const rank = (status: MetricStatus) => ranks.get(status) as number;
    for (const ofRun of byRun.values()) ofRun.sort((a, b) => rank(a) - rank(b) || compareSeries(a, b));
    return byRun;
  });
  // A page's compared run is often in the chunk before its own: four chunks are kept.
  if (chunkCache.size >= 4) chunkCache.delete(chunkCache.keys().next().value as number);
  chunkCache.set(index, read);
  return read;
}

export interface RunIndex {
  ids: string[];
  position: Map<string, number>;
  runs: Map<string, { info: RunInfo; previousRunId: string | null; parentRunId: string | null }>;
}

/** Every run's facts, read once per build in id order: a page looks its run up in memory, not with a query. */
export function runsInOrder(model: SiteModel): Promise<RunIndex> {
  return model.history.memo('site:runs-in-order', () =>
    queryRows(model.history.connection, `SELECT ${RUN_COLUMNS}, previous_run_id, parent_run_id FROM run_info ORDER BY run_id`).then(
      (rows) => {
        const runs = new Map(
          rows.map((row) => [
            row.run_id as string,
            {
              info: toRunInfo(row),
              previousRunId: (row.previous_run_id as string | null) ?? null,
              parentRunId: (row.parent_run_id as string | null) ?? null,
            },
          ]),
        );
        const ids = [...runs.keys()];
        return { ids, position: new Map(ids.map((id, index) => [id, index])), runs };
      },
    ),
  );
}

export async function runInfo(model: SiteModel, runId: string): Promise<RunInfo | undefined> {
  return (await runsInOrder(model)).runs.get(runId)?.info;
}

export async function statusesOfRun(model: SiteModel, runId: string): Promise<MetricStatus[]> {
  const { ids, position } = await runsInOrder(model);
  const index = position.get(runId);
  if (index === undefined) return [];
  const chunk = await statusesOfChunk(model, ids, Math.floor(index / RUN_CHUNK));
  return chunk.get(runId) ?? [];
}

export async function allRunIds(model: SiteModel): Promise<string[]> {
  return (await runsInOrder(model)).ids;
}

/** The ids of each platform's `perPlatform` newest runs. */
export async function newestRunIds(model: SiteModel, perPlatform: number): Promise<Set<string>> {
  const { runs } = await runsInOrder(model);
  const byPlatform = Map.groupBy(runs.values(), (entry) => entry.info.platform);
  const newest = new Set<string>();
  for (const entries of byPlatform.values()) {
    entries.sort((a, b) => b.info.timestamp.localeCompare(a.info.timestamp) || b.info.runId.localeCompare(a.info.runId));
    for (const entry of entries.slice(0, perPlatform)) newest.add(entry.info.runId);
  }
  return newest;
}
