/**
 * npm run bench:events -- DIR...: how much grouping change points into regression events saves a reader,
 * on real histories (imported with npm run import): change points, events, open regression events,
 * events labelled environment-wide, and one-run outliers, per history.
 */

import { historyEvents, isOpenRegression } from '../src/lib/analysis/regression-events.ts';
import { historyChanges } from '../src/lib/analysis/series-changes.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { queryRows } from '../src/lib/store/duckdb.ts';
import { openHistory } from '../src/lib/store/history.ts';

const dirs = process.argv.slice(2);
if (dirs.length === 0) throw new Error('give the history folders to measure: npm run bench:events -- /tmp/django /tmp/gab');
console.log('| history | runs | series | change points | events | open regression events | environment-wide events | outliers |');
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
