/**
 * npm run demo:history -- --data DIR [--runs N]: a generated history to look at the site with, labelled
 * synthetic (records marked synthetic, platforms named Synthetic_Platform_*). It refuses to write into
 * a folder that already holds runs, so it can never mix into a real history.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { compactHistory } from '../src/lib/store/compact.ts';
import { appendRuns } from '../src/lib/store/store.ts';
import { generateSyntheticRecords } from '../src/lib/store/synthetic.ts';

export const command = defineCommand({
  usage: 'npm run demo:history -- --data DIR [--runs N]',
  about: `Writes a generated history to look at the site with, labelled synthetic (records marked synthetic,
platforms named Synthetic_Platform_*). Refuses a folder that already holds runs, so it never mixes into
a real history.`,
  options: {
    data: { type: 'string', value: 'DIR', description: 'a new folder for the synthetic history (never your real data/)' },
    runs: { type: 'string', value: 'N', default: '600', description: 'runs per platform (default 600)' },
    platforms: { type: 'string', value: 'N', default: '3', description: 'platforms (default 3)' },
    metrics: { type: 'string', value: 'N', default: '12', description: 'metrics (default 12)' },
  },
  async run({ values }) {
    if (!values.data) throw new UsageError('--data DIR is required: a new folder for the synthetic history (never your real data/)');
    if ((await readdir(path.join(values.data, 'runs')).catch(() => [])).length > 0) {
      throw new UsageError(`${values.data} already holds runs; synthetic data is never mixed into a history`);
    }
    const runs = Number(values.runs);
    const records = generateSyntheticRecords({
      runs,
      platforms: Number(values.platforms),
      metrics: Number(values.metrics),
      metricsPerSuite: 4,
      start: new Date(Date.now() - runs * 6 * 3_600_000),
      intervalMs: 6 * 3_600_000,
      step: { fromRun: runs - 2, metric: 1, factor: 1.35 },
    });
    await appendRuns(values.data, records);
    await compactHistory(values.data);
    console.log(
      `wrote ${records.length} synthetic runs to ${values.data}; build the site with PERFORMANCE_DB_PATH=${values.data} npm run build`,
    );
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
