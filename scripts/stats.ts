/** npm run stats: what the history holds: runs, platforms, date range, runs per platform, the latest runs. */

import Table from 'cli-table3';
import { historyStats, recentRuns } from '../src/lib/analysis/queries.ts';
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { commandHint } from '../src/lib/shared/command-hint.ts';
import { EXIT } from '../src/lib/shared/errors.ts';
import { shortCommit } from '../src/lib/shared/short-commit.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { displayPath, resolveDataDir } from '../src/lib/store/paths.ts';

export const command = defineCommand({
  usage: 'npm run stats [-- --recent N] [--data DIR]',
  about: `Total runs, platforms, date range, runs per platform and the latest runs.`,
  options: {
    recent: { type: 'string', value: 'N', default: '10', description: 'how many of the latest runs to list (default 10)' },
    data: DATA_OPTION,
  },
  async run({ values }) {
    const dataDir = resolveDataDir(values.data);
    const history = await openHistory(dataDir, { checkIndexedRecords: true });
    const stats = await historyStats(history);
    const recent = await recentRuns(history, { limit: Number.parseInt(values.recent, 10) || 10 });
    history.close();
    printProblems(history.problems);
    console.log(`History in ${displayPath(dataDir)}`);
    console.log(`Total runs: ${stats.totalRuns}`);
    console.log(`Platforms: ${stats.platforms}`);
    console.log(`Metrics: ${stats.metrics}`);
    console.log(`Date range: ${stats.firstRun ?? '—'} to ${stats.lastRun ?? '—'}`);
    if (stats.totalRuns === 0) {
      console.log(`No runs yet: record one with \`${commandHint('bench')}\`.`);
      return EXIT.ok;
    }
    const perPlatform = new Table({ head: ['platform', 'runs', 'first', 'last'], style: { head: [], border: [] } });
    for (const row of stats.runsPerPlatform) perPlatform.push([row.platform, String(row.runs), row.firstRun, row.lastRun]);
    console.log(perPlatform.toString());
    const runs = new Table({ head: ['run', 'time', 'platform', 'commit', 'branch', 'mode', 'metrics'], style: { head: [], border: [] } });
    for (const run of recent) {
      runs.push([
        run.runId,
        run.timestamp,
        run.platform,
        run.gitCommit ? shortCommit(run.gitCommit) : '—',
        run.gitBranch ?? '—',
        run.mode,
        String(run.metricCount),
      ]);
    }
    console.log('Latest runs:');
    console.log(runs.toString());
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
