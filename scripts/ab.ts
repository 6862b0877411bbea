/**
 * npm run ab -- --base REV --head REV [--rounds 3] [--out DIR] [--install "npm ci"] -- COMMAND...
 * Benchmarks two commits of this repository in alternation on this machine and compares them.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAb } from '../src/lib/analysis/ab-runner.ts';
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { THRESHOLD_OPTION } from '../src/lib/command-options.ts';
import { compareRuns } from '../src/lib/reports/compare-runs.ts';
import { abPassed, renderAbMarkdown } from '../src/lib/reports/report-ab-markdown.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { formatChangeWithInterval, formatValue } from '../src/lib/shared/format.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { listRecordFiles } from '../src/lib/store/store.ts';

export const command = defineCommand({
  usage: 'npm run ab -- --base REV --head REV [options] [-- COMMAND...]',
  about: `Checks out both commits side by side, runs the benchmark command in each, alternating (base, head,
head, base, …) for --rounds rounds, then compares the two commits (each the median of its runs) with
the same threshold rule as npm run check. Exits 1 when a metric got worse.`,
  options: {
    base: { type: 'string', value: 'REV', description: 'the commit to compare against (in CI: the merge base of the pull request)' },
    head: { type: 'string', value: 'REV', default: 'HEAD', description: 'the commit under test (default HEAD)' },
    rounds: { type: 'string', value: 'N', default: '3', description: 'runs of each side (default 3)' },
    install: {
      type: 'string',
      value: 'CMD',
      default: 'npm ci',
      description: 'run once in each checkout first, split on spaces (default "npm ci"; "" for none)',
    },
    out: { type: 'string', value: 'DIR', description: 'where the scratch history and the reports go (default a temporary folder)' },
    'site-url': { type: 'string', value: 'URL', description: 'the published site, to link each metric to its chart' },
    threshold: THRESHOLD_OPTION,
  },
  positionals: { 'COMMAND...': 'the benchmark command (default: npm run bench -- --mode quick)' },
  async run({ values, positionals }) {
    if (!values.base) throw new UsageError('--base is required: the commit to compare against (e.g. the merge base with main)');
    const rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) throw new UsageError('--rounds must be a whole number from 1 to 50');
    const command = positionals.length > 0 ? positionals : ['npm', 'run', 'bench', '--', '--mode', 'quick'];
    const install = values.install.trim() ? values.install.trim().split(/\s+/) : null;
    const out = path.resolve(values.out ?? path.join(tmpdir(), `perfsite-ab-${process.pid}`));
    const dataDir = path.join(out, 'data');
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(out, { recursive: true });

    const sides = await runAb({
      repo: process.cwd(),
      base: values.base,
      head: values.head,
      rounds,
      command,
      install,
      dataDir,
      workDir: path.join(out, 'checkouts'),
      log: (line) => console.error(`ab: ${line}`),
    });
    const settings = await loadSettings(dataDir, { threshold: values.threshold });
    const history = await openHistory(dataDir);
    try {
      printProblems(history.problems);
      const comparison = await compareRuns(history, { a: sides.base, b: sides.head }, { ...settings, paired: true });
      // The head's last run, as a record file: `npm run report -- --record` judges it against a published history.
      const lastHead = [...comparison.b.runs].sort((x, y) => x.timestamp.localeCompare(y.timestamp)).at(-1);
      const headRecord = (await listRecordFiles(dataDir)).find((entry) => entry.id === lastHead?.runId);
      if (headRecord) await copyFile(headRecord.file, path.join(out, 'head-run.json'));
      const markdown = renderAbMarkdown(comparison, { rounds, siteUrl: values['site-url'] });
      await writeFile(path.join(out, 'ab.md'), markdown);
      await writeFile(
        path.join(out, 'ab.json'),
        `${JSON.stringify({ reportVersion: 1, ...sides, rounds, passed: abPassed(comparison), comparison }, null, 2)}\n`,
      );
      for (const metric of comparison.metrics) {
        console.log(
          `${metric.mark.padEnd(9)} ${metric.platform}  ${metric.suite}/${metric.metric}  ${formatValue(metric.before, metric.unit)} → ${formatValue(metric.after, metric.unit)}  ${formatChangeWithInterval(metric.change, metric.significance)}`,
        );
      }
      console.log(
        `reports: ${path.join(out, 'ab.md')}, ${path.join(out, 'ab.json')}; the head's last run: ${path.join(out, 'head-run.json')}`,
      );
      return abPassed(comparison) ? EXIT.ok : EXIT.failed;
    } finally {
      history.close();
    }
  },
});

if (import.meta.main) await runAsProcess(command);
