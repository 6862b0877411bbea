/**
 * npm run ab -- --base REV --head REV [--rounds 3] [--out DIR] [--install "npm ci"] -- COMMAND...
 * Benchmarks two commits of this repository in alternation on this machine and compares them.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runAb } from '../src/lib/analysis/ab-runner.ts';
import { EXIT, printProblems, runCli } from '../src/lib/cli.ts';
import { compareRuns } from '../src/lib/reports/compare-runs.ts';
import { abPassed, renderAbMarkdown } from '../src/lib/reports/report-ab-markdown.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { formatChangeWithInterval, formatValue } from '../src/lib/shared/format.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { UsageError } from '../src/lib/store/run-context.ts';
import { listRecordFiles } from '../src/lib/store/store.ts';

const HELP = `Usage: npm run ab -- --base REV --head REV [options] [-- COMMAND...]

Checks out both commits side by side, runs the benchmark command in each, alternating (base, head,
head, base, …) for --rounds rounds, then compares the two commits (each the median of its runs) with
the same threshold rule as npm run check. Exits 1 when a metric got worse.

  --base REV        the commit to compare against (in CI: the merge base of the pull request)
  --head REV        the commit under test (default HEAD)
  --rounds N        runs of each side (default 3)
  --install CMD     run once in each checkout first, split on spaces (default "npm ci"; "" for none)
  --out DIR         where the scratch history and the reports go (default a temporary folder)
  --site-url URL    the published site, to link each metric to its chart
  --threshold T     default relative threshold, 0.2 = 20 % (env REGRESSION_THRESHOLD)
  COMMAND           the benchmark command (default: npm run bench -- --mode quick)`;

await runCli(async () => {
  const { values, positionals } = parseArgs({
    options: {
      base: { type: 'string' },
      head: { type: 'string', default: 'HEAD' },
      rounds: { type: 'string', default: '3' },
      install: { type: 'string', default: 'npm ci' },
      out: { type: 'string' },
      'site-url': { type: 'string' },
      threshold: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
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
    const comparison = await compareRuns(history, { a: sides.base, b: sides.head }, settings);
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
});
