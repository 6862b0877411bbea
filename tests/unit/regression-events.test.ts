/**
 * Regression events on a generated 4-platform history (labelled synthetic): a step on every platform at
 * one commit is one event; a shift of most of one platform's metrics is labelled environment-wide; a
 * one-run blip is an outlier, not two changes; a regression that was reverted is recovered.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomLcg, randomNormal } from 'd3-random';
import { describe, expect, it } from 'vitest';
import { type Culprit, culpritSchema } from '../../src/lib/analysis/culprits-file.ts';
import { materialiseBaselines } from '../../src/lib/analysis/materialised-baselines.ts';
import { type EventSeries, eventCause, groupEvents, historyEvents, isOpenRegression } from '../../src/lib/analysis/regression-events.ts';
import { type SeriesChange, seriesChanges } from '../../src/lib/analysis/series-changes.ts';
import { defaultSettings } from '../../src/lib/analysis/status.ts';
import { renderSeriesChartSvg } from '../../src/lib/site/charts.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { eventHistory, PLATFORMS, RUNS } from '../fixtures/event-history.ts';
import { makeRecord, runCommand, tempDir } from '../helpers.ts';

describe('regression events', () => {
  it('groups a multi-platform step into one event, labels a machine shift, drops a blip and sees a revert', async () => {
    const data = await tempDir();
    const records = eventHistory();
    await appendRuns(data, records);
    const opened = await openHistory(data);
    await materialiseBaselines(opened, defaultSettings());
    const changes = await seriesChanges(opened, 'main');
    const { events, outliers } = await historyEvents(opened, changes, defaultSettings());
    // The one odd run on P2 is no change point at all here (the scan sees through it); see the next test for the pair a scan can make of one.
    opened.close();
    const runOf = (platform: string, run: number) => records[PLATFORMS.indexOf(platform) * RUNS + run]?.id;

    const step = events.find((event) => event.series.some((change) => change.metric === 'm0'));
    expect(step?.series.map((change) => `${change.platform} ${change.metric}`).sort()).toEqual(['P1 m0', 'P2 m0', 'P3 m0', 'P4 m0']);
    expect(step?.state).toBe('open');
    expect(step?.direction).toBe('regression');
    expect(step?.worst.change).toBeGreaterThan(0.25);
    expect(step?.series.every((change) => change.runId === runOf(change.platform, 60))).toBe(true);
    expect(step?.platforms.every((platform) => !platform.environmentWide)).toBe(true);
    expect(step?.cause).toEqual({
      kind: 'code',
      evidence: 'demo/m0 moved in this range on 4 machines (P1, P2, P3, P4)',
    });

    const machine = events.find((event) => event.series.some((change) => change.platform === 'P1' && change.metric === 'm1'));
    expect(machine?.series).toHaveLength(8);
    // 16 %, under the default threshold of 20 %: a change, listed, never an open regression.
    expect(machine?.regression).toBe(false);
    expect(step?.regression).toBe(true);
    expect(events.filter(isOpenRegression).map((event) => event.id)).toEqual([step?.id]);
    expect(machine?.platforms).toEqual([{ platform: 'P1', moved: 8, series: 10, environmentWide: true }]);
    expect(machine?.cause).toEqual({
      kind: 'environment',
      evidence: '8 of 10 series of P1 moved together, while P2, P3, P4 ran the same commit and did not move',
    });

    expect(events.some((event) => event.series.some((change) => change.platform === 'P2' && change.metric === 'm1'))).toBe(false);
    expect(outliers).toEqual([]);

    const reverted = events.find((event) =>
      event.series.some((change) => change.platform === 'P3' && change.metric === 'm2' && change.worse),
    );
    expect(reverted?.state).toBe('recovered');
    expect(reverted?.cause.kind).toBe('unknown');
    // check, the report and the PR comment say which open event a judged series is part of.
    const check = await runCommand('scripts/check.ts', ['--data', data, '--platform', 'P2'], { env: { REGRESSION_THRESHOLD: '' } });
    expect(check.stdout).toMatch(new RegExp(`demo/m0 on P2 is part of open event ${step?.id}: Regression on 4 platforms × 1 metric`));
    const report = await runCommand('scripts/report.ts', [
      '--data',
      data,
      '--run',
      runOf('P3', RUNS - 1) ?? '',
      '--format',
      'markdown',
      '--site-url',
      'https://octo.github.io/project',
    ]);
    // The PR comment names the open events of the default branch, linked to their pages on the published site.
    expect(report.stdout).toContain('### 🔎 Open regressions on main these metrics are part of');
    expect(report.stdout).toMatch(
      new RegExp(
        `^- \\[Regression on 4 platforms × 1 metric\\\\: .*\\]\\(https://octo\\.github\\.io/project/events/${step?.id}/\\), since \\d{4}-\\d\\d-\\d\\d \\(\`${step?.id}\`\\): demo/m0 on P3$`,
        'm',
      ),
    );
    // The JSON report carries the event, for the nightly run's issues (one per event).
    const json = await runCommand('scripts/report.ts', ['--data', data, '--run', runOf('P3', RUNS - 1) ?? '', '--format', 'json']);
    const reported = (JSON.parse(json.stdout) as { events: Array<{ id: string; series: unknown[] }> }).events;
    expect(reported.map((event) => event.id)).toContain(step?.id);
    expect(reported.find((event) => event.id === step?.id)?.series).toHaveLength(4);
    // A decision recorded with npm run triage (in data/triage.json, beside baselines.json) closes the event everywhere.
    const triage = await runCommand('scripts/triage.ts', [
      '--data',
      data,
      step?.id ?? '',
      'accepted',
      '--note',
      // A note's own escape sequence (conceal) would hide what follows it on a terminal: kept as U+FFFD.
      'the new parser is worth it\u001b[8m',
    ]);
    expect(triage.code, triage.stderr).toBe(0);
    expect(triage.stdout).toContain('note: 1 × note control characters replaced (the decision was kept)');
    expect(JSON.parse(await readFile(path.join(data, 'triage.json'), 'utf8'))[step?.id ?? '']).toMatchObject({
      state: 'accepted',
      note: 'the new parser is worth it\uFFFD[8m',
    });
    const open = await runCommand('scripts/regressions.ts', ['--data', data]);
    expect(open.stdout).not.toContain(step?.id ?? '');
    const all = await runCommand('scripts/regressions.ts', ['--data', data, '--all']);
    expect(all.stdout).toMatch(new RegExp(`\\[accepted\\] ${step?.id}`));
    expect(all.stdout).toContain('the new parser is worth it');
    const after = await runCommand('scripts/check.ts', ['--data', data, '--platform', 'P2'], { env: { REGRESSION_THRESHOLD: '' } });
    expect(after.stdout).not.toContain(`open event ${step?.id}`);
    const refused = await runCommand('scripts/triage.ts', ['--data', data, 'e-nope', 'fixed']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no event "e-nope" in the history/);
    // Open regressions come first, the worst first.
    expect(events[0]?.state).toBe('open');
    expect(events.filter((event) => event.state === 'open' && event.direction === 'regression')).toHaveLength(2);
  });

  it('makes the same events, with ids from commits, whatever order the changes come in', async () => {
    const data = await tempDir();
    await appendRuns(data, eventHistory());
    const opened = await openHistory(data);
    const changes = await seriesChanges(opened, 'main');
    const ordered = await historyEvents(opened, changes, defaultSettings());
    const random = randomLcg(7);
    const shuffles = [];
    for (let round = 0; round < 5; round++) {
      const shuffled = [...changes].map((change) => ({ change, key: random() })).sort((a, b) => a.key - b.key);
      shuffles.push(
        await historyEvents(
          opened,
          shuffled.map(({ change }) => change),
          defaultSettings(),
        ),
      );
    }
    opened.close();
    expect(ordered.events.length).toBeGreaterThan(1);
    for (const event of ordered.events) expect(event.id).toMatch(/^e-[0-9a-f]{12}-[ri]$/);
    const shape = (result: typeof ordered) =>
      result.events.map((event) => ({
        id: event.id,
        members: event.series.map((change) => `${change.platform} ${change.suite}/${change.metric} ${change.runId}`).sort(),
      }));
    for (const shuffled of shuffles) expect(shape(shuffled)).toEqual(shape(ordered));
  });

  it('takes a pair of change points the scan itself finds around one slow run for an outlier, not two events', async () => {
    // 1 % noise and one run 60 % slower: the scan places a change at that run and another at the next.
    const draw = randomNormal.source(randomLcg(25 / 4000))(0, 1);
    const values = Array.from({ length: 120 }, (_, run) => (1 + 0.01 * draw()) * (run === 45 ? 1.6 : 1));
    const records = values.map((value, run) => {
      const record = makeRecord({ synthetic: true }, new Date(Date.UTC(2026, 0, 1, run)));
      record.metrics = [{ suite: 'demo', name: 'latency', value, unit: 's', direction: 'lower' }];
      return record;
    });
    const data = await tempDir();
    await appendRuns(data, records);
    const opened = await openHistory(data);
    const changes = await seriesChanges(opened, 'main');
    const { events, outliers } = await historyEvents(opened, changes, defaultSettings());
    opened.close();
    expect(changes.map((change) => change.runId)).toEqual([records[45]?.id, records[46]?.id]);
    expect(events).toEqual([]);
    expect(outliers).toEqual([{ platform: 'Test_Linux_x86_64_2C_8GB', suite: 'demo', metric: 'latency', runId: records[45]?.id }]);
  });

  it('takes a change point pair around one run for an outlier, not a regression blamed on the next commit', () => {
    const point = (index: number, meanBefore: number, meanAfter: number): SeriesChange => ({
      platform: 'P',
      suite: 'demo',
      metric: 'm',
      unit: 's',
      direction: 'lower',
      index,
      pValue: 1e-6,
      meanBefore,
      meanAfter,
      stdBefore: 0.01,
      stdAfter: 0.01,
      speedCorrected: false,
      runId: `r${index}`,
      previousRunId: `r${index - 1}`,
      timestamp: new Date(Date.UTC(2026, 0, 1, index)).toISOString(),
      change: meanAfter / meanBefore - 1,
      worse: meanAfter > meanBefore,
    });
    const times = new Map(Array.from({ length: 100 }, (_, index) => [`r${index}`, new Date(Date.UTC(2026, 0, 1, index)).toISOString()]));
    // A fast run at 30 (an "improvement", then a "regression" at 31), and a real step at 60.
    const { events, outliers } = groupEvents([point(30, 1, 0.6), point(31, 0.6, 1.01), point(60, 1.01, 1.3)], times, new Map([['P', 1]]));
    expect(outliers).toEqual([{ platform: 'P', suite: 'demo', metric: 'm', runId: 'r30' }]);
    expect(events.map((event) => [event.id, event.direction, event.state])).toEqual([['e-r60', 'regression', 'open']]);
  });

  it('joins a step that the scan placed a few runs apart in its series, but never over runs of a platform that runs more often', () => {
    const hour = (at: number) => new Date(Date.UTC(2026, 0, 1, at)).toISOString();
    // P runs hourly (runs P0…P99); Q daily (Q0…Q4, at hours 0, 24, 48…).
    const times = new Map([
      ...Array.from({ length: 100 }, (_, at) => [`P${at}`, hour(at)] as const),
      ...Array.from({ length: 5 }, (_, at) => [`Q${at}`, hour(at * 24)] as const),
    ]);
    const timeline = new Map([
      ['P', Array.from({ length: 100 }, (_, at) => hour(at))],
      ['Q', Array.from({ length: 5 }, (_, at) => hour(at * 24))],
    ]);
    const change = (platform: 'P' | 'Q', at: number, metric: string, factor: number): SeriesChange => ({
      platform,
      suite: 'demo',
      metric,
      unit: 's',
      direction: 'lower',
      index: at,
      pValue: 1e-6,
      meanBefore: 1,
      meanAfter: factor,
      stdBefore: 0.01,
      stdAfter: 0.01,
      speedCorrected: false,
      runId: `${platform}${at}`,
      previousRunId: `${platform}${at - 1}`,
      timestamp: times.get(`${platform}${at}`) as string,
      change: factor - 1,
      worse: factor > 1,
    });
    const changes = [
      // One step at P50, found at 48, 50 and 52 in three series, with another series' noise the other way at 50.
      change('P', 50, 'a', 1.1),
      change('P', 48, 'b', 1.1),
      change('P', 52, 'c', 1.1),
      change('P', 50, 'd', 0.97),
      // A second step eight runs later is its own event.
      change('P', 60, 'e', 1.1),
      // Q moved in the range of the step (hours 48–72), and again two daily runs later: that is days of P's runs.
      change('Q', 3, 'x', 1.2),
      change('Q', 4, 'y', 1.2),
    ];
    const counts = new Map([
      ['P', 10],
      ['Q', 10],
    ]);
    const { events } = groupEvents(changes, times, counts, () => true, timeline);
    const members = events.map((event) => event.series.map((moved) => `${moved.platform}.${moved.metric}`).sort());
    expect(members).toContainEqual(['P.a', 'P.b', 'P.c', 'P.d', 'Q.x']);
    expect(members).toContainEqual(['P.e']);
    expect(members).toContainEqual(['Q.y']);
    expect(events).toHaveLength(3);
    const step = events.find((event) => event.series.some((moved) => moved.metric === 'a'));
    expect([step?.fromTime, step?.toTime]).toEqual([hour(47), hour(52)]);
    // Without run positions only the adjacent run joins: the step is split.
    expect(groupEvents(changes, times, counts).events.length).toBeGreaterThan(3);
  });

  it('rings an outlier on the chart', () => {
    const points = Array.from({ length: 40 }, (_, index) => ({
      runId: `r${index}`,
      time: Date.UTC(2026, 0, 1, index),
      value: index === 20 ? 0.6 : 1,
      low: null,
      high: null,
      baseline: 1,
      status: 'unchanged' as const,
    }));
    const options = { title: 't', unit: 's', direction: 'lower' as const, threshold: 0.2 };
    const ring = /<g [^>]*stroke="#9a6700" fill="none" aria-label="dot"><circle/;
    expect(renderSeriesChartSvg(points, { ...options, outliers: ['r20'] })).toMatch(ring);
    expect(renderSeriesChartSvg(points, options)).not.toMatch(ring);
  });
});

describe('the cause of an event', () => {
  const change = (platform: string, metric: string, runId: string, previousRunId: string) =>
    ({ platform, suite: 'demo', metric, runId, previousRunId, worse: true }) as EventSeries;
  const details = (cpu: string) => JSON.stringify({ os: 'linux', cpu, cores: 4, runtime: { node: '24.1.0' } });
  const runs: Record<string, { git_commit: string | null; platform_details: string | null }> = {
    before: { git_commit: 'a'.repeat(40), platform_details: details('EPYC 7763') },
    after: { git_commit: 'b'.repeat(40), platform_details: details('Xeon 8370C') },
    same: { git_commit: 'a'.repeat(40), platform_details: details('EPYC 7763') },
    plain: { git_commit: 'b'.repeat(40), platform_details: details('EPYC 7763') },
  };
  const facts = { runOf: (id: string) => runs[id], platformsThatRan: () => [], related: () => true };
  const event = (series: EventSeries[], culprit: Culprit | null = null) => ({
    series,
    culprit,
    toRunId: series[0]?.runId ?? '',
    platforms: [...new Set(series.map((one) => one.platform))].map((platform) => ({
      platform,
      moved: 1,
      series: 10,
      environmentWide: false,
    })),
  });

  it('shows the machine change the run records carry', () => {
    expect(eventCause(event([change('P1', 'm0', 'after', 'before')]), facts)).toEqual({
      kind: 'environment',
      evidence: "P1's runs on either side of the change record different machines: cpu EPYC 7763 → Xeon 8370C",
    });
  });

  it('blames the environment when the commit did not change, and cannot tell on one platform with nothing recorded', () => {
    expect(eventCause(event([change('P1', 'm0', 'same', 'before')]), facts).kind).toBe('environment');
    expect(eventCause(event([change('P1', 'm0', 'plain', 'before')]), facts)).toMatchObject({ kind: 'unknown' });
  });

  it('takes a culprit bisect found as the code, and one named by hand as no evidence', () => {
    const culprit: Culprit = {
      ...culpritSchema.parse({
        commit: 'b'.repeat(40),
        by: 'bisect',
        at: '2026-12-07T02:00:00Z',
        range: { good: 'a'.repeat(40), bad: 'b'.repeat(40) },
        platform: 'P1',
      }),
      commit: 'b'.repeat(40),
    };
    expect(eventCause(event([change('P1', 'm0', 'plain', 'before')], culprit), facts)).toEqual({
      kind: 'code',
      evidence: `bisect measured the change on P1 at ${'b'.repeat(10)}, its runs alternating with its parent's`,
    });
    expect(eventCause(event([change('P1', 'm0', 'plain', 'before')], { ...culprit, by: 'hand' }), facts).kind).toBe('unknown');
  });
});
