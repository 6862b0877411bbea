/**
 * npm run bench:events -- [--trials 20] [DIR...]: regression events on generated 4-platform histories
 * (events-generated.ts: one event per step, labelled by its evidence, the same in any order), then how much
 * grouping change points into events saves a reader on real histories (imported with npm run import):
 * change points, events, open regression events, events labelled environment, and one-run outliers.
 */

import { parseArgs } from 'node:util';
import { historyEvents, isOpenRegression } from '../src/lib/analysis/regression-events.ts';
import { historyChanges } from '../src/lib/analysis/series-changes.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { queryRows } from '../src/lib/store/duckdb.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { generatedEventTrials } from './events-generated.ts';

const { values, positionals: dirs } = parseArgs({ options: { trials: { type: 'string', default: '20' } }, allowPositionals: true });
await generatedEventTrials(Number(values.trials));
if (dirs.length === 0) process.exit(0);
console.log('| history | runs | series | change points | events | open regression events | events labelled environment | outliers |');
console.log('|---|---|---|---|---|---|---|---|');
for (const dir of dirs) {
  const history = await openHistory(dir);
  const settings = await loadSettings(dir);
  const changes = await historyChanges(history, settings.config.defaultBranch);
  const { events, outliers } = await historyEvents(history, changes, settings);
  const [counts] = await queryRows<{ runs: number; series: number }>(
    history.connection,
    'SELECT count(DISTINCT run_id)::INTEGER AS runs, count(DISTINCT (platform, suite, metric))::INTEGER AS series FROM metrics',
  );
  history.close();
  const open = events.filter(isOpenRegression).length;
  const environment = events.filter((event) => event.cause.kind === 'environment').length;
  console.log(
    `| ${dir} | ${counts?.runs} | ${counts?.series} | ${changes.length} | ${events.length} | ${open} | ${environment} | ${outliers.length} |`,
  );
}
