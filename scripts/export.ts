/** npm run export -- --format json|csv|parquet [--platform P] [--output FILE]: the history in long form, one row per run × metric. */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { EXPORT_FORMATS, type ExportFormat, exportHistory } from '../src/lib/store/export.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { resolveDataDir } from '../src/lib/store/paths.ts';
import { assertPlatformId } from '../src/lib/store/platform.ts';

export const command = defineCommand({
  usage: 'npm run export -- --format json|csv|parquet [--platform P] [--output FILE] [--data DIR]',
  about: `Writes every metric of every run (one row per run × metric, samples included) to FILE,
or to standard output for json and csv.`,
  options: {
    format: { type: 'string', value: 'F', description: 'json, csv or parquet (parquet needs --output)' },
    platform: { type: 'string', value: 'ID', description: 'only this platform' },
    output: { type: 'string', value: 'FILE', description: 'write to FILE (default: standard output)' },
    data: DATA_OPTION,
  },
  async run({ values }) {
    const format = values.format as ExportFormat;
    if (!EXPORT_FORMATS.includes(format))
      throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}; got ${JSON.stringify(values.format ?? '')}`);
    if (format === 'parquet' && !values.output) throw new UsageError('--format parquet needs --output FILE');
    const platform = values.platform ? assertPlatformId(values.platform, '--platform') : undefined;
    const history = await openHistory(resolveDataDir(values.data));
    try {
      printProblems(history.problems);
      if (values.output) {
        const rows = await exportHistory(history, { format, platform, output: values.output });
        process.stderr.write(`wrote ${rows} rows to ${values.output}\n`);
      } else {
        // DuckDB cannot write to a pipe: go through a temporary file.
        const scratch = await mkdtemp(path.join(tmpdir(), 'perfsite-export-'));
        try {
          const file = path.join(scratch, `export.${format}`);
          await exportHistory(history, { format, platform, output: file });
          await pipeline(createReadStream(file), process.stdout, { end: false });
        } finally {
          await rm(scratch, { recursive: true, force: true });
        }
      }
    } finally {
      history.close();
    }
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
