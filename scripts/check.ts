/** npm run check: the CI gate. Judges a run against its baselines; exit 1 on a regression or a failed measurement. */
import { parseArgs, styleText } from 'node:util';
import Table from 'cli-table3';
import { EXIT, printProblems, runCli } from '../src/lib/cli.ts';
import { formatChangeWithInterval, formatPercent, formatValue } from '../src/lib/format.ts';
import { resolveDataDir } from '../src/lib/paths.ts';
import { STATUS_LABELS } from '../src/lib/regression-rule.ts';
import { openRunReport, RUN_SELECTION_OPTIONS } from '../src/lib/report-target.ts';

const HELP = `Usage: npm run check [-- options]

Compares a run with its baselines and exits 1 when a metric regressed beyond its threshold
(or a measurement failed), 0 when clean, 2 on bad usage or unreadable data.

  --run ID|latest     the run to judge (default: the latest)
  --record FILE       judge a run record file instead (e.g. a pull request's run)
  --platform ID       with latest: the latest run of this platform
  --threshold T       default relative threshold, 0.2 = 20 % (env REGRESSION_THRESHOLD)
  --branch NAME       the branch whose runs form rolling baselines (default: perfsite.config.json, else main)
  --data DIR          the history folder (env PERFORMANCE_DB_PATH; default ./data)`;

const STYLE = { regression: 'red', failed: 'red', improvement: 'green' } as const;

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      ...RUN_SELECTION_OPTIONS,
    },
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  const { history, report } = await openRunReport({ ...values, dataDir: resolveDataDir(values.data) });
  history.close();
  printProblems(history.problems);

  const { run } = report;
  console.log(
    `${run.platform} · run ${run.runId} · ${run.timestamp}${run.gitCommit ? ` · ${run.gitCommit.slice(0, 10)}${run.gitBranch ? ` (${run.gitBranch})` : ''}` : ''}`,
  );
  const table = new Table({ head: ['metric', 'current', 'baseline', 'change', 'threshold', 'status'], style: { head: [], border: [] } });
  for (const metric of report.metrics) {
    const source =
      metric.baselineSource === 'pinned' ? ' (pinned)' : metric.baselineSource === 'rolling' ? ` (median of ${metric.baselineRuns})` : '';
    const label = STATUS_LABELS[metric.status];
    const style = STYLE[metric.status as keyof typeof STYLE];
    table.push([
      `${metric.suite}/${metric.metric}`,
      formatValue(metric.current, metric.unit),
      `${formatValue(metric.baseline, metric.unit)}${source}`,
      formatChangeWithInterval(metric.change, metric.significance),
      formatPercent(metric.threshold.value),
      style ? styleText(style, label) : label,
    ]);
  }
  console.log(table.toString());
  for (const note of report.notes) console.log(`${styleText('yellow', 'note:')} ${note}`);
  console.log(report.passed ? styleText('green', `✔ ${report.verdict}`) : styleText('red', `✘ ${report.verdict}`));
  return report.passed ? EXIT.ok : EXIT.failed;
});
