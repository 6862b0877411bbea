/** What a young history says it needs is what the analysis needs: the smallest series a change point is found in. */
import { describe, expect, it } from 'vitest';
import { changePoints } from '../../src/lib/analysis/change-points.ts';
import { CHANGE_POINT_DEFAULTS } from '../../src/lib/analysis/series-changes.ts';
import { MIN_RUNS_FOR_CHANGE_POINTS, noEventsNote, readinessLines } from '../../src/lib/reports/history-readiness.ts';

describe('history readiness', () => {
  it('names the fewest runs in which a change point is found: a clean step is found there, never in fewer', () => {
    const step = (runs: number) => Array.from({ length: runs }, (_, index) => (index === 0 ? 1 : 2));
    expect(changePoints(step(MIN_RUNS_FOR_CHANGE_POINTS), CHANGE_POINT_DEFAULTS)).toHaveLength(1);
    for (let runs = 1; runs < MIN_RUNS_FOR_CHANGE_POINTS; runs++) {
      expect(changePoints(step(runs), CHANGE_POINT_DEFAULTS)).toEqual([]);
      expect(changePoints([...step(runs)].reverse(), CHANGE_POINT_DEFAULTS)).toEqual([]);
    }
  });

  it('says how many runs there are and how many each analysis needs, and nothing once both can speak', () => {
    const settings = { baselineWindow: 5, defaultBranch: 'main' };
    const young = { totalRuns: 1, runsPerPlatform: [{ platform: 'P1', runs: 1 }] };
    expect(readinessLines(young, ['P1'], 0, settings)).toEqual([
      expect.stringMatching(/^No baseline for platform P1 yet: it is the median of the last 5 runs on main on this platform/),
      `No change points yet: no platform has more than 1 run, and a series needs ${MIN_RUNS_FOR_CHANGE_POINTS} runs at the least (runs on both sides of a move), and more when it is noisy.`,
    ]);
    const grown = { totalRuns: 40, runsPerPlatform: [{ platform: 'P1', runs: 40 }] };
    expect(readinessLines(grown, [], 0, settings)).toEqual([]);
    expect(noEventsNote(40)).toMatch(/^No change points in the history: no series' level moved and stayed moved/);
  });
});
