/** npm run check: the CI gate. Judges a run against its baselines; exit 1 on a regression or a failed measurement. */
import { styleText } from 'node:util';
import Table from 'cli-table3';
import type { RunInfo } from '../src/lib/analysis/queries.ts';
import type { MetricStatus } from '../src/lib/analysis/status.ts';
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { RUN_SELECTION_OPTIONS } from '../src/lib/command-options.ts';
import { openLatestReport, openRunReport } from '../src/lib/reports/report-target.ts';
import { EXIT } from '../src/lib/shared/errors.ts';
import { formatChangeWithInterval, formatPercent, formatValue } from '../src/lib/shared/format.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { STATUS_LABELS } from '../src/lib/shared/regression-rule.ts';
import { shortCommit } from '../src/lib/shared/short-commit.ts';
import { resolveDataDir } from '../src/lib/store/paths.ts';

const STYLE = { regression: 'red', failed: 'red', improvement: 'green' } as const;

function statusRow(metric: MetricStatus, withPlatform: boolean): string[] {
  const source =
    metric.baselineSource === 'pinned' ? ' (pinned)' : metric.baselineSource === 'rolling' ? ` (median of ${metric.baselineRuns})` : '';
  const label = STATUS_LABELS[metric.status];
  const style = STYLE[metric.status as keyof typeof STYLE];
  return [
    ...(withPlatform ? [metric.platform] : []),
    `${metric.suite}/${metric.metric}`,
    formatValue(metric.current, metric.unit),
    `${formatValue(metric.baseline, metric.unit)}${source}`,
    formatChangeWithInterval(metric.change, metric.significance),
    formatPercent(metric.threshold.value),
    style ? styleText(style, label) : label,
  ];
}

function runLine(run: RunInfo): string {
  return `${run.platform} · run ${run.runId} · ${run.timestamp}${run.gitCommit ? ` · ${shortCommit(run.gitCommit)}${run.gitBranch ? ` (${run.gitBranch})` : ''}` : ''}`;
}

export const command = defineCommand({
  usage: 'npm run check [-- options]',
  about: `Judges the latest measurement of every metric on every platform (the state the site's overview and
its open regressions show) and exits 1 when one regressed beyond its threshold or failed, 0 when clean,
2 on bad usage or unreadable data, 3 when it broke and has no verdict (out of memory, say). With --run or
--record it judges that one run instead.`,
  options: RUN_SELECTION_OPTIONS,
  async run({ values }) {
    const options = { ...values, dataDir: resolveDataDir(values.data) };
    const oneRun = values.run !== undefined || values.record !== undefined;
    const { history, report } = oneRun ? await openRunReport(options) : await openLatestReport(options);
    history.close();
    printProblems(history.problems);

    const runs = 'run' in report ? [report.run] : report.runs;
    const withPlatform = !('run' in report) && report.platforms.length > 1;
    if ('run' in report) console.log(runLine(report.run));
    else {
      console.log(
        `The latest measurement of each of ${report.metrics.length} metrics on ${report.platforms.length === 1 ? 'platform' : 'platforms'} ${report.platforms.join(', ')}, from ${plural(runs.length, 'run')}:`,
      );
      for (const run of runs.slice(0, 10)) console.log(`  ${runLine(run)}`);
      if (runs.length > 10) console.log(`  … and ${runs.length - 10} older runs`);
    }
    const table = new Table({
      head: [...(withPlatform ? ['platform'] : []), 'metric', 'current', 'baseline', 'change', 'threshold', 'status'],
      style: { head: [], border: [] },
    });
    for (const metric of report.metrics) table.push(statusRow(metric, withPlatform));
    console.log(table.toString());
    for (const note of [...report.notes, ...report.eventNotes]) console.log(`${styleText('yellow', 'note:')} ${note}`);
    console.log(report.passed ? styleText('green', `✔ ${report.verdict}`) : styleText('red', `✘ ${report.verdict}`));
    return report.passed ? EXIT.ok : EXIT.failed;
  },
});

if (import.meta.main) await runAsProcess(command);
