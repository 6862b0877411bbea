/**
 * Generated histories for demos, scale tests and benchmarks. Every record is marked
 * `synthetic: true` and every platform id starts with "Synthetic_", so generated numbers can never be
 * taken for measurements nor mixed into a real history unnoticed.
 */
import { randomLcg, randomLogNormal, randomNormal } from 'd3-random';
import { median } from 'simple-statistics';
import type { Direction, RunRecordInput } from './record.ts';
import { SCHEMA_VERSION } from './record.ts';

export interface SyntheticOptions {
  runs: number;
  platforms: number;
  metrics: number;
  /** Metrics per suite: suites are named suite_00, suite_01… */
  metricsPerSuite?: number;
  samples?: number;
  seed?: number;
  /** Seed of the metrics' levels (default: seed); give every batch of one history the same. */
  levelSeed?: number;
  start?: Date;
  /** Time between two runs. */
  intervalMs?: number;
  /** Multiply one metric's level from one run on, on every platform: a step to detect. */
  step?: { fromRun: number; metric: number; factor: number };
}

function syntheticPlatformId(index: number): string {
  return `Synthetic_Platform_${String(index + 1).padStart(2, '0')}`;
}

export function generateSyntheticRecords(options: SyntheticOptions): RunRecordInput[] {
  const { runs, platforms, metrics, metricsPerSuite = 10, samples = 5, seed = 42, intervalMs = 3_600_000 } = options;
  const start = options.start ?? new Date(Date.UTC(2025, 0, 1));
  // Levels and noise draw from separate generators, so a history generated in batches (each with its
  // own seed) keeps every metric's level steady instead of jumping at every batch.
  const noise = randomNormal.source(randomLcg(seed / 1000))(0, 0.03);
  const scale = randomLogNormal.source(randomLcg((options.levelSeed ?? seed) / 1000))(0, 1.5);
  const levels = Array.from({ length: platforms * metrics }, () => scale());
  const records: RunRecordInput[] = [];
  for (let run = 0; run < runs; run++) {
    const platform = run % platforms;
    const timestamp = new Date(start.getTime() + run * intervalMs);
    const commit = (0x1000000 + run).toString(16).padStart(40, 'a');
    records.push({
      schemaVersion: SCHEMA_VERSION,
      id: `synthetic-${String(run).padStart(7, '0')}`,
      timestamp: timestamp.toISOString(),
      synthetic: true,
      platform: {
        id: syntheticPlatformId(platform),
        details: { os: 'synthetic', arch: 'synthetic', cpu: 'synthetic', cores: 0, memoryGb: 0, gpus: [], runtime: {}, ci: null },
      },
      git: {
        commit,
        branch: 'main',
        dirty: false,
        message: `synthetic commit ${run}`,
        commitTime: timestamp.toISOString(),
        shallow: false,
      },
      runType: 'nightly',
      mode: 'standard',
      metrics: Array.from({ length: metrics }, (_, metric) => {
        const stepped = options.step && options.step.metric === metric && run >= options.step.fromRun ? options.step.factor : 1;
        const level = (levels[platform * metrics + metric] ?? 1) * stepped;
        const values = Array.from({ length: samples }, () => Math.max(1e-9, level * (1 + noise())));
        const direction: Direction = metric % 3 === 0 ? 'higher' : 'lower';
        return {
          suite: `suite_${String(Math.floor(metric / metricsPerSuite)).padStart(2, '0')}`,
          name: `metric_${String(metric).padStart(3, '0')}`,
          value: median(values),
          unit: direction === 'higher' ? 'items/s' : 's',
          direction,
          samples: values,
        };
      }),
    });
  }
  return records;
}
