import { describe, expect, it } from 'vitest';
import { ensureLevelBreaks, seriesHashesAreDistinct, windowedSql } from '../../src/lib/analysis/baseline-plans.ts';
import { type PinnedBaselines, parseBaselines } from '../../src/lib/analysis/baselines-file.ts';
import { type Config, configSchema } from '../../src/lib/analysis/config.ts';
import { materialiseBaselines, materialisedStatuses } from '../../src/lib/analysis/materialised-baselines.ts';
import { availableMetrics, availablePlatforms, historyStats, metricTrend } from '../../src/lib/analysis/queries.ts';
import { type AnalysisSettings, latestStatuses, type MetricStatus, statusOfRuns } from '../../src/lib/analysis/status.ts';
import { globalThreshold, resolveThreshold } from '../../src/lib/analysis/thresholds.ts';
import { classify, relativeChange } from '../../src/lib/shared/regression-rule.ts';
import { queryRows } from '../../src/lib/store/duckdb.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import type { MetricInput } from '../../src/lib/store/record.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { makeRecord, tempDir } from '../helpers.ts';

const NO_PINS: PinnedBaselines = { file: 'baselines.json', document: {}, values: new Map() };

function settings(
  overrides: { config?: Partial<Config>; pinned?: PinnedBaselines; env?: NodeJS.ProcessEnv; flag?: string } = {},
): AnalysisSettings {
  const config = configSchema.parse(overrides.config ?? {});
  return {
    config,
    pinned: overrides.pinned ?? NO_PINS,
    threshold: globalThreshold({ flag: overrides.flag, env: overrides.env ?? {}, config }),
  };
}

interface Step {
  latency: number | null;
  throughput?: number;
  branch?: string | null;
  platform?: string;
  day: number;
  runType?: 'bisect';
  extra?: MetricInput[];
}

/** Writes one run per step, a day apart, and returns their ids in order. */
async function history(steps: readonly Step[]) {
  const data = await tempDir();
  const records = steps.map((step) => {
    const date = new Date(Date.UTC(2026, 0, 1 + step.day, 12));
    const record = makeRecord({}, date);
    record.platform.id = step.platform ?? 'P1';
    if (step.runType) record.runType = step.runType;
    if (record.git) record.git.branch = step.branch === undefined ? 'main' : step.branch;
    record.metrics = [
      step.latency === null
        ? { suite: 'demo', name: 'latency', value: null, status: 'failed', unit: 's', direction: 'lower' }
        : { suite: 'demo', name: 'latency', value: step.latency, unit: 's', direction: 'lower' },
      { suite: 'demo', name: 'throughput', value: step.throughput ?? 100, unit: 'items/s', direction: 'higher' },
      ...(step.extra ?? []),
    ];
    return record;
  });
  await appendRuns(data, records);
  return { data, ids: records.map((record) => record.id) };
}

const FIVE_AT_ONE = [1, 1.02, 0.98, 1.0, 1.01].map((latency, day) => ({ latency, day }));

/** Statuses with their floating-point figures to 9 digits: two query plans sum a spread in different orders. */
function comparable(statuses: readonly MetricStatus[]): unknown {
  return JSON.parse(JSON.stringify(statuses), (_key, value) => (typeof value === 'number' ? Number(value.toPrecision(9)) : value));
}

async function statusOf(data: string, runId: string, s: AnalysisSettings = settings()) {
  const opened = await openHistory(data);
  const statuses = await statusOfRuns(opened, [runId], s);
  opened.close();
  return Object.fromEntries(statuses.map((status) => [status.metric, status]));
}

describe('the regression rule', () => {
  it('is direction-aware and uses the threshold as a strict bound', () => {
    expect(classify(1.25, 1, 'lower', 0.2)).toEqual({ change: 0.25, status: 'regression' });
    expect(classify(1.15, 1, 'lower', 0.2).status).toBe('unchanged');
    expect(classify(0.75, 1, 'lower', 0.2).status).toBe('improvement');
    expect(classify(75, 100, 'higher', 0.2).status).toBe('regression');
    expect(classify(125, 100, 'higher', 0.2).status).toBe('improvement');
    expect(classify(1.2, 1, 'lower', 0.2).status).toBe('unchanged');
  });

  it('gives a zero baseline an unbounded change rather than a division error', () => {
    expect(relativeChange(0, 0)).toBe(0);
    expect(classify(0, 0, 'lower', 0.2).status).toBe('unchanged');
    expect(classify(0.5, 0, 'lower', 0.2)).toEqual({ change: Number.POSITIVE_INFINITY, status: 'regression' });
    expect(classify(0.5, 0, 'higher', 0.2)).toEqual({ change: Number.POSITIVE_INFINITY, status: 'improvement' });
  });
});

describe('statuses against rolling baselines', () => {
  it('compares with the median of the five runs before, whatever came after', async () => {
    const { data, ids } = await history([...FIVE_AT_ONE, { latency: 1.25, day: 5 }, { latency: 9, day: 6 }]);
    const status = await statusOf(data, ids[5] ?? '');
    expect(status.latency).toMatchObject({ baseline: 1.0, baselineSource: 'rolling', baselineRuns: 5, status: 'regression' });
    expect(status.latency?.change).toBeCloseTo(0.25, 12);
    expect(status.throughput).toMatchObject({ baseline: 100, status: 'unchanged', change: 0 });
  });

  it('reports each status: regression, improvement, unchanged, new metric, no baseline, failed', async () => {
    const { data, ids } = await history([
      ...FIVE_AT_ONE,
      { latency: 1.15, day: 5, throughput: 130, extra: [{ suite: 'demo', name: 'brand_new', value: 3, unit: 's', direction: 'lower' }] },
      { latency: null, day: 6 },
      { latency: 1, day: 7, platform: 'P2' },
    ]);
    const mixed = await statusOf(data, ids[5] ?? '');
    expect(mixed.latency?.status).toBe('unchanged');
    expect(mixed.throughput?.status).toBe('improvement');
    expect(mixed.brand_new).toMatchObject({ status: 'new', baseline: null, change: null });
    expect((await statusOf(data, ids[6] ?? '')).latency).toMatchObject({ status: 'failed', current: null });
    const firstOnP2 = await statusOf(data, ids[7] ?? '');
    expect(firstOnP2.latency?.status).toBe('no-baseline');
    expect(firstOnP2.throughput?.status).toBe('no-baseline');
  });

  it('takes baselines from the default branch (and runs without git), never from feature branches', async () => {
    const { data, ids } = await history([
      ...FIVE_AT_ONE,
      { latency: 5, day: 5, branch: 'feature/slow' },
      { latency: 5, day: 6, branch: 'feature/slow' },
      { latency: 1, day: 7, branch: null },
      { latency: 1.3, day: 8, branch: 'feature/slow' },
    ]);
    const status = await statusOf(data, ids[8] ?? '');
    expect(status.latency).toMatchObject({ baseline: 1.0, status: 'regression' });
    // Judged by the threshold alone: the runs behind that baseline (5, 5 and 1) are too spread out for a test to call it.
    const other = await statusOf(data, ids[8] ?? '', settings({ config: { defaultBranch: 'feature/slow', significance: 'threshold' } }));
    expect(other.latency).toMatchObject({ baseline: 5, status: 'improvement' });
  });

  it('uses the configured window', async () => {
    const { data, ids } = await history([...[3, 1, 2, 4, 5].map((latency, day) => ({ latency, day })), { latency: 5, day: 5 }]);
    expect((await statusOf(data, ids[5] ?? '')).latency?.baseline).toBe(3);
    expect((await statusOf(data, ids[5] ?? '', settings({ config: { baselineWindow: 2 } }))).latency?.baseline).toBe(4.5);
  });

  it('blames a step once, at its own run: the runs after it are judged against the new level', async () => {
    // 30 runs at 1 s, then 30 at 1.3 s, with a little deterministic noise: one change of level at run 30.
    const values = Array.from({ length: 60 }, (_, day) => (day < 30 ? 1 : 1.3) * (1 + (((day * 7919) % 17) - 8) / 1000));
    const { data, ids } = await history(values.map((latency, day) => ({ latency, day })));
    const opened = await openHistory(data);
    const statuses = await statusOfRuns(opened, ids, settings(), 'windowed');
    const topN = await statusOfRuns(opened, ids.slice(28, 36), settings(), 'top-n');
    opened.close();
    const latency = statuses.filter((status) => status.metric === 'latency');
    expect(latency.filter((status) => status.status === 'regression').map((status) => status.runId)).toEqual([ids[30]]);
    // The run after the step is compared with the one run of the new level, not with the old level.
    expect(latency[31]?.baseline).toBeCloseTo(values[30] as number, 9);
    expect(topN.filter((status) => status.metric === 'latency').map((status) => [status.baseline, status.status])).toEqual(
      latency.slice(28, 36).map((status) => [status.baseline, status.status]),
    );
  });

  it('judges the latest default-branch run of every platform × metric', async () => {
    const { data } = await history([
      ...FIVE_AT_ONE,
      { latency: 2, day: 5 },
      { latency: 9, day: 6, branch: 'feature' },
      ...[1, 1, 1].map((latency, i) => ({ latency, day: i, platform: 'P2' })),
    ]);
    const opened = await openHistory(data);
    const latest = await latestStatuses(opened, settings());
    opened.close();
    const byKey = Object.fromEntries(latest.map((status) => [`${status.platform}/${status.metric}`, status]));
    expect(Object.keys(byKey).sort()).toEqual(['P1/latency', 'P1/throughput', 'P2/latency', 'P2/throughput']);
    expect(byKey['P1/latency']).toMatchObject({ current: 2, baseline: 1, status: 'regression' });
    expect(byKey['P2/latency']).toMatchObject({ current: 1, baseline: 1, baselineRuns: 2, status: 'unchanged' });
  });
});

describe('bisect runs', () => {
  it('never join a series: an old commit measured today is not the latest run, a baseline or a change', async () => {
    const { data } = await history([
      ...FIVE_AT_ONE,
      // A bisect's probe of a commit from before the others, made after them, on a detached checkout (no branch).
      { latency: 9, day: 6, branch: null, runType: 'bisect' },
    ]);
    const opened = await openHistory(data);
    const latest = await latestStatuses(opened, settings());
    opened.close();
    expect(latest.find((status) => status.metric === 'latency')).toMatchObject({ current: 1.01, status: 'unchanged' });
  });
});

describe('pinned baselines', () => {
  it('win over the rolling median, keyed suite/metric or by the bare metric name as the seed wrote them', async () => {
    const { data, ids } = await history([...FIVE_AT_ONE, { latency: 1.25, day: 5, throughput: 100 }]);
    const pinned = parseBaselines(
      JSON.stringify({ P1: { 'demo/latency': 1.2, throughput: 150, metadata: { notes: 'x' } } }),
      'baselines.json',
    );
    const status = await statusOf(data, ids[5] ?? '', settings({ pinned }));
    expect(status.latency).toMatchObject({ baseline: 1.2, baselineSource: 'pinned', status: 'unchanged' });
    expect(status.throughput).toMatchObject({ baseline: 150, baselineSource: 'pinned', status: 'regression' });
  });

  it('give a platform with no history a baseline', async () => {
    const { data, ids } = await history([{ latency: 2, day: 0, platform: 'Fresh' }]);
    const pinned = parseBaselines(JSON.stringify({ Fresh: { 'demo/latency': 1 } }), 'baselines.json');
    const status = await statusOf(data, ids[0] ?? '', settings({ pinned }));
    expect(status.latency).toMatchObject({ status: 'regression', baselineSource: 'pinned' });
    expect(status.throughput?.status).toBe('new');
  });

  it('of zero compare without dividing by zero', async () => {
    const { data, ids } = await history([{ latency: 0.5, day: 0 }]);
    const pinned = parseBaselines(JSON.stringify({ P1: { 'demo/latency': 0 } }), 'baselines.json');
    expect((await statusOf(data, ids[0] ?? '', settings({ pinned }))).latency).toMatchObject({
      status: 'regression',
      change: Number.POSITIVE_INFINITY,
    });
  });
});

describe('threshold precedence', () => {
  const metric = { suite: 'demo', metric: 'latency', declared: 0.3 };
  const config = configSchema.parse({
    threshold: 0.25,
    suites: { demo: { threshold: 0.4 } },
    metrics: { 'demo/latency': { threshold: 0.5 } },
  });

  it('goes config metric > config suite > declared > --threshold > REGRESSION_THRESHOLD > config default > 20 %', () => {
    const fallback = globalThreshold({ flag: '0.15', env: { REGRESSION_THRESHOLD: '0.1' }, config });
    expect(resolveThreshold(metric, config, fallback)).toEqual({ value: 0.5, source: 'config metric' });
    const noMetric = configSchema.parse({ ...config, metrics: {} });
    expect(resolveThreshold(metric, noMetric, fallback)).toEqual({ value: 0.4, source: 'config suite' });
    const noSuite = configSchema.parse({ ...noMetric, suites: {} });
    expect(resolveThreshold(metric, noSuite, fallback)).toEqual({ value: 0.3, source: 'declared by the benchmark' });
    expect(resolveThreshold({ ...metric, declared: null }, noSuite, fallback)).toEqual({ value: 0.15, source: '--threshold' });
    expect(globalThreshold({ env: { REGRESSION_THRESHOLD: '0.1' }, config })).toEqual({ value: 0.1, source: 'REGRESSION_THRESHOLD' });
    expect(globalThreshold({ env: {}, config })).toEqual({ value: 0.25, source: 'config default' });
    expect(globalThreshold({ env: {} })).toEqual({ value: 0.2, source: 'default' });
  });

  it('refuses a threshold that is not a positive fraction', () => {
    expect(() => globalThreshold({ env: { REGRESSION_THRESHOLD: '20%' } })).toThrow(/REGRESSION_THRESHOLD must be a positive fraction/);
    expect(() => globalThreshold({ flag: '-1', env: {} })).toThrow(/--threshold/);
  });

  it('changes the verdict on recorded runs', async () => {
    const { data, ids } = await history([...FIVE_AT_ONE, { latency: 1.25, day: 5 }]);
    expect((await statusOf(data, ids[5] ?? '', settings({ env: { REGRESSION_THRESHOLD: '0.3' } }))).latency?.status).toBe('unchanged');
    expect(
      (
        await statusOf(
          data,
          ids[5] ?? '',
          settings({ config: { metrics: { 'demo/latency': { threshold: 0.1 } } }, env: { REGRESSION_THRESHOLD: '0.3' } }),
        )
      ).latency,
    ).toMatchObject({
      status: 'regression',
      threshold: { value: 0.1, source: 'config metric' },
    });
  });
});

describe('queries', () => {
  it('trend: per-day median, p10 and p90, and the raw points within the window', async () => {
    const steps = [
      { latency: 1, day: 0 },
      { latency: 2, day: 10 },
      { latency: 3, day: 10 },
      { latency: 4, day: 10 },
      { latency: 5, day: 12 },
    ];
    const { data } = await history(steps);
    const opened = await openHistory(data);
    const trend = await metricTrend(opened, {
      platform: 'P1',
      suite: 'demo',
      metric: 'latency',
      days: 5,
      until: new Date(Date.UTC(2026, 0, 14)),
    });
    const stats = await historyStats(opened);
    opened.close();
    expect(trend.days).toEqual([
      { day: '2026-01-11', runs: 3, median: 3, p10: expect.closeTo(2.2, 9), p90: expect.closeTo(3.8, 9) },
      { day: '2026-01-13', runs: 1, median: 5, p10: 5, p90: 5 },
    ]);
    expect(trend.points.map((point) => point.value).sort()).toEqual([2, 3, 4, 5]);
    expect(stats).toMatchObject({
      totalRuns: 5,
      platforms: 1,
      metrics: 2,
      firstRun: '2026-01-01T12:00:00.000Z',
      lastRun: '2026-01-13T12:00:00.000Z',
    });
    expect(stats.runsPerPlatform).toEqual([
      { platform: 'P1', runs: 5, firstRun: '2026-01-01T12:00:00.000Z', lastRun: '2026-01-13T12:00:00.000Z' },
    ]);
  });
});

describe('the two query plans', () => {
  it('give the same statuses on a history with branches, ties, failures and several platforms', async () => {
    const steps: Step[] = [];
    for (let day = 0; day < 40; day++) {
      steps.push({
        latency: 1 + ((day * 7) % 5) / 10,
        day,
        throughput: 100 - (day % 9),
        branch: day % 4 === 0 ? 'feature' : day % 7 === 0 ? null : 'main',
      });
      steps.push({ latency: day % 11 === 0 ? null : 2 + (day % 3) / 10, day, platform: 'P2' });
    }
    const { data, ids } = await history(steps);
    const opened = await openHistory(data);
    const s = settings({ config: { baselineWindow: 4, threshold: 0.1 } });
    const windowed = await statusOfRuns(opened, ids, s, 'windowed');
    const topN = await statusOfRuns(opened, ids, s, 'top-n');
    opened.close();
    expect(windowed).toHaveLength(160);
    const seen = new Set(windowed.map((status) => status.status));
    for (const status of ['no-baseline', 'unchanged', 'regression', 'improvement', 'failed'] as const) expect(seen).toContain(status);
    expect(comparable(topN)).toEqual(comparable(windowed));
  });
});

describe('the site build', () => {
  it('judges every measurement as a check of its whole run does: status, test, adjusted p-value; branches and failures included', async () => {
    const steps: Step[] = [];
    for (let day = 0; day < 40; day++) {
      const level = 1 + ((day * 7) % 5) / 10;
      // Samples around each run's value: tight on most days, all over the place on every third.
      const spread = day % 3 === 0 ? 0.5 : 0.02;
      const samples = [1 - spread, 1 - spread / 2, 1, 1 + spread / 2, 1 + spread].map((factor) => level * factor);
      steps.push({
        latency: day % 13 === 0 ? null : level,
        day,
        branch: day % 4 === 0 ? 'feature' : day % 7 === 0 ? null : 'main',
        extra: [{ suite: 'demo', name: 'sampled', value: level, unit: 's', direction: 'lower', samples }],
      });
    }
    const { data, ids } = await history(steps);
    const opened = await openHistory(data);
    const s = settings({ config: { baselineWindow: 4, threshold: 0.1 } });
    await materialiseBaselines(opened, s);
    const site = await materialisedStatuses(opened, s, { every: true });
    const check = await statusOfRuns(opened, ids, s, 'top-n');
    opened.close();
    const beyond = site.filter((status) => status.metric === 'sampled' && ['regression', 'improvement', 'noise'].includes(status.status));
    expect(new Set(beyond.map((status) => status.status))).toEqual(new Set(['regression', 'improvement', 'noise']));
    expect(site.some((status) => (status.significance?.family ?? 0) > 1 && status.significance?.adjustedPValue !== null)).toBe(true);
    // The site's tables keep no samples (the run's own spread is kept instead).
    expect(comparable(site.map((status) => ({ ...status, samples: null })))).toEqual(
      comparable(check.map((status) => ({ ...status, samples: null }))),
    );
  });

  it('finds the same baselines keying series by a hash of their names as by the names', async () => {
    const steps: Step[] = [];
    for (let day = 0; day < 30; day++) {
      steps.push({
        latency: day % 11 === 0 ? null : 1 + (day % 5) / 10,
        day,
        platform: day % 2 === 0 ? 'P1' : 'P2',
        branch: day % 4 === 0 ? 'feature' : 'main',
        // The same suite and metric in two units: two series, whatever they hash to.
        extra: [{ suite: 'demo', name: 'size', value: 10 + day, unit: day < 15 ? 'B' : 'KiB', direction: 'lower' }],
      });
    }
    const { data } = await history(steps);
    const opened = await openHistory(data);
    await ensureLevelBreaks(opened, 'main');
    expect(await seriesHashesAreDistinct(opened)).toBe(true);
    const rows = async (series: 'by name' | 'by hash') =>
      queryRows(opened.connection, `SELECT * FROM (${windowedSql(3, 'whole history', series)}) ORDER BY run_id, suite, metric, unit`, {
        branch: 'main',
      });
    const byName = await rows('by name');
    const byHash = await rows('by hash');
    opened.close();
    expect(byName.filter((row) => row.rolling !== null).length).toBeGreaterThan(40);
    expect(byHash).toEqual(byName);
    expect(() => windowedSql(3, 'SELECT * FROM metrics', 'by hash')).toThrow(/whole history/);
  });
});

describe('what the history holds', () => {
  it('lists platforms and metrics with unit, direction and counts', async () => {
    const { data } = await history([
      { latency: 1, day: 0 },
      { latency: 1, day: 1, platform: 'P2' },
    ]);
    const opened = await openHistory(data);
    const platforms = await availablePlatforms(opened);
    const metrics = await availableMetrics(opened);
    opened.close();
    expect(platforms).toEqual(['P1', 'P2']);
    expect(metrics).toEqual([
      {
        suite: 'demo',
        metric: 'latency',
        unit: 's',
        direction: 'lower',
        platforms: 2,
        runs: 2,
        description: null,
        benchmark: null,
        params: null,
      },
      {
        suite: 'demo',
        metric: 'throughput',
        unit: 'items/s',
        direction: 'higher',
        platforms: 2,
        runs: 2,
        description: null,
        benchmark: null,
        params: null,
      },
    ]);
  });
});

describe('the latest statuses', () => {
  it('agree with judging each latest run on its own', async () => {
    const steps: Step[] = [];
    for (let day = 0; day < 30; day++) {
      steps.push({
        latency: day % 9 === 0 ? null : 1 + ((day * 3) % 7) / 10,
        day,
        branch: day % 5 === 0 ? 'feature' : day % 6 === 0 ? null : 'main',
      });
      steps.push({ latency: 2 + (day % 4) / 10, day, platform: 'P2', throughput: 90 + day });
    }
    steps.push({ latency: 9, day: 31, branch: 'feature' });
    const { data } = await history(steps);
    const opened = await openHistory(data);
    const s = settings({ config: { baselineWindow: 3, threshold: 0.1 } });
    const latest = await latestStatuses(opened, s);
    const oneByOne = await statusOfRuns(opened, [...new Set(latest.map((status) => status.runId))], s, 'windowed');
    opened.close();
    const key = (status: { runId: string; metric: string }) => `${status.runId}/${status.metric}`;
    const expected = new Map(oneByOne.map((status) => [key(status), status]));
    expect(latest).toHaveLength(4);
    for (const status of latest) {
      const alone = expected.get(key(status)) as MetricStatus;
      // A run judged alone has all its metrics in its family of tests; the latest statuses, its latest ones.
      const unadjusted = (one: MetricStatus) => ({
        ...one,
        status: one.status === 'no-baseline' ? 'new' : one.status,
        significance: one.significance && { ...one.significance, adjustedPValue: null, family: null },
      });
      expect(comparable([unadjusted(status)])).toEqual(comparable([unadjusted(alone)]));
    }
  });
});
