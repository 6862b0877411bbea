/**
 * What check and report share: open the history, load the settings, and pick the run to judge
 * (the latest, one by id, or a record file from elsewhere, such as a pull request's run).
 */
import { loadBaselines } from '../analysis/baselines-file.ts';
import { loadConfig } from '../analysis/config.ts';
import { recentRuns } from '../analysis/queries.ts';
import type { AnalysisSettings } from '../analysis/status.ts';
import { globalThreshold } from '../analysis/thresholds.ts';
import { commandHint } from '../shared/command-hint.ts';
import { DataError } from '../shared/errors.ts';
import { type History, openHistory } from '../store/history.ts';
import { displayPath } from '../store/paths.ts';
import { formatProblem } from '../store/record.ts';
import { readRecordFile } from '../store/store.ts';
import { buildLatestReport, buildRunReport, type LatestReport, type RunReport } from './run-report.ts';

export class UnreadableDataError extends DataError {}

export interface TargetOptions {
  dataDir: string;
  run?: string | undefined;
  record?: string | undefined;
  platform?: string | undefined;
  threshold?: string | undefined;
  branch?: string | undefined;
}

export async function loadSettings(
  dataDir: string,
  options: { threshold?: string | undefined; branch?: string | undefined } = {},
): Promise<AnalysisSettings> {
  const loaded = await loadConfig();
  const config = options.branch ? { ...loaded, defaultBranch: options.branch } : loaded;
  return { config, pinned: await loadBaselines(dataDir), threshold: globalThreshold({ flag: options.threshold, config }) };
}

async function addRecordFile(history: History, file: string): Promise<string> {
  const result = await readRecordFile(file);
  if ('problems' in result)
    throw new UnreadableDataError(`the record file cannot be used:\n  - ${result.problems.map(formatProblem).join('\n  - ')}`);
  await history.addRecord(result.record);
  return result.record.id;
}

export async function openRunReport(options: TargetOptions): Promise<{ history: History; report: RunReport }> {
  const settings = await loadSettings(options.dataDir, options);
  const history = await openHistory(options.dataDir, { checkIndexedRecords: true });
  try {
    let runId: string;
    if (options.record) {
      runId = await addRecordFile(history, options.record);
    } else if (options.run && options.run !== 'latest') {
      runId = options.run;
    } else {
      const [latest] = await recentRuns(history, { limit: 1, platform: options.platform });
      if (!latest) {
        const where = options.platform ? ` for platform ${options.platform}` : '';
        throw new UnreadableDataError(
          `no runs are recorded${where} in ${displayPath(options.dataDir)}; record one with \`${commandHint('bench')}\` (or point --data / PERFORMANCE_DB_PATH at the history).`,
        );
      }
      runId = latest.runId;
    }
    return { history, report: await buildRunReport(history, runId, settings) };
  } catch (error) {
    history.close();
    throw error;
  }
}

/** The platforms --platform names: one id, or several separated by commas. */
export function platformList(option: string | undefined): string[] {
  return (option ?? '')
    .split(',')
    .map((platform) => platform.trim())
    .filter(Boolean);
}

/** The latest measurement of every series on the given platforms (all when none), judged as the site judges them. */
export async function openLatestReport(options: TargetOptions): Promise<{ history: History; report: LatestReport }> {
  const settings = await loadSettings(options.dataDir, options);
  const history = await openHistory(options.dataDir, { checkIndexedRecords: true });
  try {
    const platforms = platformList(options.platform);
    const report = await buildLatestReport(history, settings, platforms);
    if (report.metrics.length === 0) {
      const where = platforms.length > 0 ? ` for platform ${platforms.join(', ')}` : '';
      const [any] = await recentRuns(history, { limit: 1 });
      throw new UnreadableDataError(
        any
          ? `no runs on ${settings.config.defaultBranch}${where} in ${displayPath(options.dataDir)}: the state of the project is judged on the default branch; judge one run with --run ID or --record FILE, or set --branch.`
          : `no runs are recorded${where} in ${displayPath(options.dataDir)}; record one with \`${commandHint('bench')}\` (or point --data / PERFORMANCE_DB_PATH at the history).`,
      );
    }
    return { history, report };
  } catch (error) {
    history.close();
    throw error;
  }
}
