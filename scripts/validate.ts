/** npm run validate: read every record and Parquet file under data/ and report each problem with its fix. */
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { commandHint } from '../src/lib/shared/command-hint.ts';
import { EXIT } from '../src/lib/shared/errors.ts';
import { staleTemporaryFiles } from '../src/lib/store/compact.ts';
import { queryRows } from '../src/lib/store/duckdb.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { displayPath, resolveDataDir } from '../src/lib/store/paths.ts';
import { listRecordFiles, readRecordFile } from '../src/lib/store/store.ts';

export const command = defineCommand({
  usage: 'npm run validate [-- --data DIR]',
  about: `Checks every JSON record against the run record schema (public/schema/run-record.v1.json)
and every Parquet file for readability. Exits 1 when anything needs fixing.`,
  options: { data: DATA_OPTION },
  async run({ values }) {
    const dataDir = resolveDataDir(values.data);
    const history = await openHistory(dataDir);
    const problems = [...history.problems];
    const alreadyReported = new Set(problems.map((problem) => problem.file));
    const files = await listRecordFiles(dataDir);
    for (const { file } of files) {
      if (alreadyReported.has(displayPath(file))) continue;
      const result = await readRecordFile(file);
      if ('problems' in result) problems.push(...result.problems);
    }
    for (const file of await staleTemporaryFiles(dataDir)) {
      problems.push({
        file: displayPath(file),
        reason: 'was left by a write that was interrupted more than an hour ago (no write takes that long)',
        fix: `It holds nothing the history needs; \`${commandHint('compact')}\` removes it.`,
      });
    }
    const [counts] = await queryRows<{ runs: number; rows: number }>(
      history.connection,
      'SELECT count(DISTINCT run_id)::INTEGER AS runs, count(*)::INTEGER AS rows FROM metrics',
    );
    history.close();
    console.log(
      `${displayPath(dataDir)}: ${files.length} record files, ${counts?.runs ?? 0} runs readable (${counts?.rows ?? 0} metric rows).`,
    );
    printProblems(problems, 'in the history', process.stdout);
    return problems.length > 0 ? EXIT.failed : EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
