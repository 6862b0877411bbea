/** npm run report -- --format markdown|html|json --output FILE: a run's report for a PR comment, a browser or a program. */
import { writeFile } from 'node:fs/promises';
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { RUN_SELECTION_OPTIONS } from '../src/lib/command-options.ts';
import { renderHtmlReport } from '../src/lib/reports/report-html.ts';
import { renderJsonReport } from '../src/lib/reports/report-json.ts';
import { renderMarkdownReport } from '../src/lib/reports/report-markdown.ts';
import { openRunReport } from '../src/lib/reports/report-target.ts';
import { UsageError } from '../src/lib/shared/errors.ts';
import { resolveDataDir } from '../src/lib/store/paths.ts';

const RENDERERS = { markdown: renderMarkdownReport, html: renderHtmlReport, json: renderJsonReport } as const;

export const command = defineCommand({
  usage: 'npm run report -- [--format markdown|html|json] [--output FILE] [options]',
  about: `Writes the report of a run against its baselines (to standard output without --output). Exits 0
whatever the verdict; the gate is npm run check.`,
  options: {
    format: { type: 'string', value: 'F', default: 'markdown', description: 'markdown (a PR comment), html or json (default markdown)' },
    output: { type: 'string', value: 'FILE', description: 'write the report to FILE' },
    'run-url': { type: 'string', value: 'URL', description: 'link the run in the Markdown report (e.g. the CI job)' },
    'site-url': {
      type: 'string',
      value: 'URL',
      description: "the published site: links the open regression events the run's metrics are part of",
    },
    ...RUN_SELECTION_OPTIONS,
  },
  async run({ values }) {
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
  },
});

if (import.meta.main) await runAsProcess(command);
