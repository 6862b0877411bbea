/** npm run compare -- A B: two runs or two commits side by side, worst change first. */
import { styleText } from 'node:util';
import Table from 'cli-table3';
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION, THRESHOLD_OPTION } from '../src/lib/command-options.ts';
import { compareRuns } from '../src/lib/reports/compare-runs.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { commandHint } from '../src/lib/shared/command-hint.ts';
import { comparisonCounts, type Mark } from '../src/lib/shared/compare-judge.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { formatChangeWithInterval, formatValue } from '../src/lib/shared/format.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { shortCommit } from '../src/lib/shared/short-commit.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { resolveDataDir } from '../src/lib/store/paths.ts';

const MARKS: Record<Mark, string> = {
  worse: '- worse',
  better: '+ better',
  unchanged: '  unchanged',
  noise: '~ likely noise',
  added: '  added',
  removed: '  removed',
  failed: 'x failed',
  incomparable: '! units differ',
};

export const command = defineCommand({
  usage: 'npm run compare -- A B [options]',
  about: `A and B are run ids or commits (7+ hex characters). Every metric is marked worse, better, unchanged,
added or removed, by the same direction-aware threshold rule as npm run check, worst first.`,
  options: {
    platform: { type: 'string', value: 'ID', description: 'only this platform' },
    'only-changed': { type: 'boolean', default: false, description: 'leave out unchanged metrics' },
    threshold: THRESHOLD_OPTION,
    data: DATA_OPTION,
  },
  positionals: { 'A B': 'the two runs or commits to compare' },
  async run({ values, positionals }) {
    const [a, b, ...extra] = positionals;
    if (!a || !b || extra.length > 0) throw new UsageError(`give exactly two runs or commits to compare: ${commandHint('compare', 'A B')}`);
    const dataDir = resolveDataDir(values.data);
    const settings = await loadSettings(dataDir, { threshold: values.threshold });
    const history = await openHistory(dataDir);
    try {
      const comparison = await compareRuns(history, { a, b }, { ...settings, platform: values.platform });
      printProblems(history.problems);
      for (const side of [comparison.a, comparison.b]) {
        const first = side.runs[0];
        console.log(
          `${side === comparison.a ? 'A' : 'B'}: ${side.kind} ${side.ref} — ${plural(side.runs.length, 'run')}` +
            (first?.gitCommit
              ? `, commit ${shortCommit(first.gitCommit)}${first.gitMessage ? ` ${first.gitMessage.split('\n')[0]}` : ''}`
              : ''),
        );
      }
      if (comparison.leftOut.length > 0)
        console.log(`Only one side ran on ${comparison.leftOut.join(', ')}: left out, as there is nothing to compare there.`);
      const shown = comparison.metrics.filter((metric) => !values['only-changed'] || metric.mark !== 'unchanged');
      const table = new Table({ head: ['', 'A', 'B', 'ratio', 'change', 'platform', 'metric'], style: { head: [], border: [] } });
      for (const metric of shown) {
        const mark = MARKS[metric.mark];
        table.push([
          metric.mark === 'worse' || metric.mark === 'failed'
            ? styleText('red', mark)
            : metric.mark === 'better'
              ? styleText('green', mark)
              : mark,
          formatValue(metric.before, metric.unit),
          formatValue(metric.after, metric.unit),
          metric.ratio === null ? '—' : metric.ratio.toFixed(2),
          formatChangeWithInterval(metric.change, metric.significance),
          metric.platform,
          `${metric.suite}/${metric.metric}`,
        ]);
      }
      console.log(table.toString());
      console.log(`${comparisonCounts(comparison.metrics)}.`);
    } finally {
      history.close();
    }
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
