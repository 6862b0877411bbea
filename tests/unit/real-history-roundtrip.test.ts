import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readUnit, toBaseUnit } from '../../src/lib/shared/units.ts';
import { queryRows } from '../../src/lib/store/duckdb.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import type { RunRecordInput } from '../../src/lib/store/record.ts';
import { cleanRunText, newTextFixes } from '../../src/lib/store/record-text.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { makeRecord, tempDir } from '../helpers.ts';
import { describeRealData, realDataPath } from '../real-data.ts';

interface Bench {
  name: string;
  value: number;
  unit: string;
}
interface Entry {
  commit: { id: string; message: string; timestamp: string };
  date: number;
  benches: Bench[];
}

function loadDataJs(): Record<string, Entry[]> {
  const text = readFileSync(realDataPath('github-action-benchmark', 'data.js'), 'utf8');
  return (JSON.parse(text.slice(text.indexOf('{'))) as { entries: Record<string, Entry[]> }).entries;
}

describeRealData('real-world names, units and commit messages survive the store', () => {
  it('records every github-action-benchmark entry and reads back the same strings and numbers', async () => {
    const suites = loadDataJs();
    const records: RunRecordInput[] = [];
    for (const [suite, entries] of Object.entries(suites)) {
      entries.forEach((entry, index) => {
        records.push(
          makeRecord(
            {
              id: `gab-${records.length}`,
              git: {
                commit: entry.commit.id,
                branch: null,
                dirty: false,
                message: entry.commit.message,
                commitTime: entry.commit.timestamp,
                shallow: false,
              },
              metrics: entry.benches.map((bench) => ({
                suite,
                name: bench.name,
                value: bench.value,
                unit: bench.unit,
                direction: 'lower' as const,
              })),
            },
            new Date(entry.date + index),
          ),
        );
      });
    }
    expect(records.length).toBe(Object.values(suites).reduce((sum, entries) => sum + entries.length, 0));
    expect(records.length).toBeGreaterThan(1000);
    const data = await tempDir();
    await appendRuns(data, records);

    const history = await openHistory(data);
    const rows = await queryRows<{ run_id: string; suite: string; metric: string; value: number; unit: string; git_message: string }>(
      history.connection,
      'SELECT run_id, suite, metric, value, unit, git_message FROM metrics',
    );
    history.close();
    expect(history.problems).toEqual([]);
    // Every string as written, but for what the store makes valid (a tab in some of these units) and the
    // index's base units (ns/iter is stored as s/iter).
    const expected = records.flatMap((input) => {
      const record = cleanRunText(input, newTextFixes());
      return record.metrics.map((metric) => {
        const { unit, factor } = readUnit(metric.unit);
        return {
          run_id: record.id,
          suite: metric.suite,
          metric: metric.name,
          value: toBaseUnit(metric.value as number, factor),
          unit,
          git_message: record.git?.message,
        };
      });
    });
    expect(expected.filter((row, index) => row.metric !== records.flatMap((record) => record.metrics)[index]?.name)).toEqual([]);
    const key = (row: { run_id: string; suite: string; metric: string }) => `${row.run_id}\u0000${row.suite}\u0000${row.metric}`;
    expect(new Map(rows.map((row) => [key(row), row]))).toEqual(new Map(expected.map((row) => [key(row), row])));
  });
});
