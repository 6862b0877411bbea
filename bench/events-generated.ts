/**
 * Regression events on generated 4-platform histories (labelled synthetic, written to a temporary folder
 * and removed): does a change come out as one event, labelled by its evidence, whatever order it is read in?
 *
 * Every platform runs the same commits, 12 metrics each. A run's values share a runner effect (3 % run to
 * run, all of the platform's metrics at once, as django's runners do) on top of 1 % noise per metric, and 1
 * run in 40 is a slow runner (+25 %). Two kinds of trials, each with its own seed:
 * - code: metric m0 gets 25 % slower at run 50 on 3 of the 4 platforms: one event holding those 3, and not
 *   labelled environment;
 * - environment: 8 of P1's 12 metrics get 25 % slower at run 50, the other platforms stay flat over the
 *   same commits: labelled environment.
 * Each history's changes are also read in 3 shuffled orders: the events must be identical.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomLcg, randomNormal } from 'd3-random';
import { historyEvents, type RegressionEvent } from '../src/lib/analysis/regression-events.ts';
import { seriesChanges } from '../src/lib/analysis/series-changes.ts';
import { defaultSettings } from '../src/lib/analysis/status.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { type RunRecordInput, SCHEMA_VERSION } from '../src/lib/store/record.ts';
import { appendRuns } from '../src/lib/store/store.ts';

const PLATFORMS = ['P1', 'P2', 'P3', 'P4'];
const METRICS = Array.from({ length: 12 }, (_, index) => `m${index}`);
const RUNS = 80;
const STEP_RUN = 50;
const STEP = 1.25;

type Kind = 'code' | 'environment';

function history(kind: Kind, seed: number): RunRecordInput[] {
  const draw = randomNormal.source(randomLcg(seed / 1000))(0, 1);
  const uniform = randomLcg((seed + 0.5) / 1000);
  const records: RunRecordInput[] = [];
  for (const [p, platform] of PLATFORMS.entries()) {
    for (let run = 0; run < RUNS; run++) {
      const timestamp = new Date(Date.UTC(2026, 0, 1, run, p)).toISOString();
      const runner = Math.exp(0.03 * draw()) * (uniform() < 1 / 40 ? 1.25 : 1);
      records.push({
        schemaVersion: SCHEMA_VERSION,
        id: `synthetic-${platform}-${String(run).padStart(4, '0')}`,
        timestamp,
        synthetic: true,
        platform: {
          id: `Synthetic_${platform}`,
          details: { os: 'synthetic', arch: 'synthetic', cpu: 'synthetic', cores: 0, memoryGb: 0, gpus: [], runtime: {}, ci: null },
        },
        git: {
          commit: (0x100000 + run).toString(16).padEnd(40, '0'),
          branch: 'main',
          dirty: false,
          message: `synthetic commit ${run}`,
          commitTime: timestamp,
          shallow: false,
        },
        runType: 'nightly',
        mode: 'standard',
        metrics: METRICS.map((metric, m) => {
          const stepped =
            run >= STEP_RUN && ((kind === 'code' && metric === 'm0' && p < 3) || (kind === 'environment' && platform === 'P1' && m < 8));
          return {
            suite: 'demo',
            name: metric,
            value: (1 + m / 10) * runner * Math.exp(0.01 * draw()) * (stepped ? STEP : 1),
            unit: 's',
            direction: 'lower' as const,
          };
        }),
      });
    }
  }
  return records;
}

const shape = (events: readonly RegressionEvent[]) =>
  JSON.stringify(
    events.map((event) => ({
      id: event.id,
      cause: event.cause,
      members: event.series.map((change) => `${change.platform}/${change.metric}@${change.runId}`).sort(),
    })),
  );

async function trial(kind: Kind, seed: number): Promise<{ right: boolean; stable: boolean }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'perfsite-events-'));
  try {
    await appendRuns(dir, history(kind, seed));
    const opened = await openHistory(dir);
    try {
      const settings = defaultSettings();
      const changes = await seriesChanges(opened, 'main');
      const { events } = await historyEvents(opened, changes, settings);
      const shuffle = randomLcg(seed / 997);
      let stable = true;
      for (let round = 0; round < 3; round++) {
        const shuffled = changes
          .map((change) => ({ change, key: shuffle() }))
          .sort((a, b) => a.key - b.key)
          .map(({ change }) => change);
        if (shape((await historyEvents(opened, shuffled, settings)).events) !== shape(events)) stable = false;
      }
      const atStep = events.filter((event) =>
        event.series.some((change) => change.runId.endsWith(`-${String(STEP_RUN).padStart(4, '0')}`)),
      );
      if (kind === 'code') {
        // The step's changes: m0 for the worse within 5 runs of it (a slow runner elsewhere is an event of its own).
        const nearStep = (runId: string) => Math.abs(Number(runId.slice(-4)) - STEP_RUN) <= 5;
        const holding = events.filter((event) =>
          event.series.some((change) => change.metric === 'm0' && change.worse && nearStep(change.runId)),
        );
        const one = holding.length === 1 ? holding[0] : undefined;
        const platforms = new Set(one?.series.filter((change) => change.metric === 'm0').map((change) => change.platform));
        const right = one !== undefined && platforms.size === 3 && one.cause.kind !== 'environment';
        if (!right && process.env.PERFSITE_DIAGNOSE)
          console.error(
            seed,
            holding.map(
              (event) =>
                `${event.id} ${event.cause.kind} ${event.series.map((change) => `${change.platform}/${change.metric}@${change.runId.slice(-4)}${change.worse ? '+' : '-'}`).join(' ')}`,
            ),
          );
        return { right, stable };
      }
      const shifted = atStep.find((event) => event.series.filter((change) => change.platform === 'Synthetic_P1').length >= 5);
      return { right: shifted?.cause.kind === 'environment', stable };
    } finally {
      opened.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function generatedEventTrials(trials: number): Promise<void> {
  console.log(`## Generated 4-platform histories (synthetic; ${trials} trials of each kind)\n`);
  console.log('| trial | right | shuffled input gives identical events |');
  console.log('|---|---|---|');
  for (const kind of ['code', 'environment'] as const) {
    let right = 0;
    let stable = 0;
    for (let seed = 1; seed <= trials; seed++) {
      const result = await trial(kind, seed);
      if (result.right) right++;
      if (result.stable) stable++;
    }
    const what =
      kind === 'code'
        ? 'm0 25 % slower on 3 of 4 platforms at one commit: one event of the 3, not labelled environment'
        : "8 of P1's 12 metrics 25 % slower, the others flat: labelled environment";
    console.log(`| ${what} | ${right} of ${trials} (${((100 * right) / trials).toFixed(1)} %) | ${stable} of ${trials} |`);
  }
  console.log();
}
