/** npm run report -- --format markdown|html|json --output FILE: a run's report for a PR comment, a browser or a program. */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EXIT, printProblems, runCli } from '../src/lib/cli.ts';
import { renderHtmlReport } from '../src/lib/reports/report-html.ts';
import { renderJsonReport } from '../src/lib/reports/report-json.ts';
import { renderMarkdownReport } from '../src/lib/reports/report-markdown.ts';
import { openRunReport, RUN_SELECTION_OPTIONS } from '../src/lib/reports/report-target.ts';
import { resolveDataDir } from '../src/lib/store/paths.ts';
import { UsageError } from '../src/lib/store/run-context.ts';

const HELP = `Usage: npm run report -- [--format markdown|html|json] [--output FILE] [options]

Writes the report of a run against its baselines (to standard output without --output).
Takes the same options as npm run check: --run, --record, --platform, --threshold, --branch, --data,
--run-url URL to link the run in the Markdown report, and --site-url URL (the published site) to link\nthe open regression events the run's metrics are part of. Exits 0 whatever the verdict; the gate is npm run check.`;

const RENDERERS = { markdown: renderMarkdownReport, html: renderHtmlReport, json: renderJsonReport } as const;

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      format: { type: 'string', default: 'markdown' },
      output: { type: 'string' },
      'run-url': { type: 'string' },
      'site-url': { type: 'string' },
      ...RUN_SELECTION_OPTIONS,
    },
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.ok;
  }
  const format = values.format as keyof typeof RENDERERS;
  if (!(format in RENDERERS)) throw new UsageError(`--format must be one of markdown, html, json; got ${JSON.stringify(values.format)}`);
  const { history, report } = await openRunReport({ ...values, dataDir: resolveDataDir(values.data) });
  history.close();
  printProblems(history.problems);
  const text =
    format === 'markdown'
      ? renderMarkdownReport(report, {
          ...(values['run-url'] ? { runUrl: values['run-url'] } : {}),
          ...(values['site-url'] ? { siteUrl: values['site-url'] } : {}),
        })
      : RENDERERS[format](report);
  if (values.output) {
    await writeFile(values.output, text);
    process.stderr.write(`wrote ${values.output} (${format}): ${report.verdict}\n`);
  } else {
    process.stdout.write(text);
  }
  return EXIT.ok;
});
