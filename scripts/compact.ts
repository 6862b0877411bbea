/** npm run compact: merge per-run Parquet files into one file per month, losing and duplicating nothing. */
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { EXIT } from '../src/lib/shared/errors.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { compactHistory } from '../src/lib/store/compact.ts';
import { displayPath, resolveDataDir } from '../src/lib/store/paths.ts';

export const command = defineCommand({
  usage: 'npm run compact [-- --data DIR]',
  about: `Merges the per-run Parquet files under DIR/metrics/runs/ (and runs recorded only as JSON)
into one Parquet file per month. Safe to interrupt and to run while benchmarks record.`,
  options: { data: DATA_OPTION },
  async run({ values }) {
    const result = await compactHistory(resolveDataDir(values.data));
    if (result.months.length === 0) console.log('Nothing to compact: every run is already in its month file.');
    for (const month of result.months) {
      console.log(`${displayPath(month.file)}: ${month.runs} runs, ${month.rows} rows`);
    }
    if (result.removedFiles > 0) console.log(`Removed ${result.removedFiles} per-run Parquet files now held by month files.`);
    if (result.removedTemporaryFiles > 0)
      console.log(`Removed ${plural(result.removedTemporaryFiles, 'temporary file')} that interrupted writes left in data/.tmp/.`);
    printProblems(result.problems);
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
