/**
 * Event ids as a history grows run by run: an event that ended 10 or more runs before the end keeps its id
 * as more runs come in, and what people decided about it (triage) and the issue opened for it follow it.
 */
import { describe, expect, it } from 'vitest';
import { historyEvents, isOpenRegression, type RegressionEvent } from '../../src/lib/analysis/regression-events.ts';
import { seriesChanges } from '../../src/lib/analysis/series-changes.ts';
import { defaultSettings } from '../../src/lib/analysis/status.ts';
import { loadTriage, worseSeries, writeTriage } from '../../src/lib/analysis/triage-file.ts';
import type { GitHubApi } from '../../src/lib/github/github-api.ts';
import { eventKey, eventRangeKey, reportForIssuesSchema, reportRegressionIssues } from '../../src/lib/github/regression-issues.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { eventHistory, PLATFORMS, RUNS } from '../fixtures/event-history.ts';
import { tempDir } from '../helpers.ts';

const SETTLED_AFTER = 10;
const FIRST = 50;

/** The run index of a fixture run id's record (the fixture's times are one hour a run). */
function runIndex(event: RegressionEvent, records: ReturnType<typeof eventHistory>): number {
  return records.findIndex((record) => record.id === event.toRunId) % RUNS;
}

describe('event ids as the history grows', () => {
  it('keep the id of every event that ended 10 runs or more before the end; triage and issues follow it', async () => {
    const records = eventHistory();
    const data = await tempDir();
    const settled = new Map<string, number>();
    const settings = defaultSettings();
    let last: RegressionEvent[] = [];
    let triaged: string | null = null;
    for (let run = 0; run < RUNS; run++) {
      await appendRuns(
        data,
        PLATFORMS.map((_, platform) => records[platform * RUNS + run] as (typeof records)[number]),
      );
      if (run + 1 < FIRST) continue;
      const opened = await openHistory(data);
      try {
        last = (await historyEvents(opened, await seriesChanges(opened, 'main'), settings, await loadTriage(data))).events;
      } finally {
        opened.close();
      }
      const ids = new Set(last.map((event) => event.id));
      for (const [id, since] of settled) expect(ids.has(id), `${id}, settled at run ${since}, is gone at run ${run}`).toBe(true);
      for (const event of last) if (runIndex(event, records) <= run - SETTLED_AFTER && !settled.has(event.id)) settled.set(event.id, run);
      // The step at run 60 once it settled: accepted, as the triage command records it.
      const step = last.find((event) => isOpenRegression(event) && event.series.some((change) => change.metric === 'm0'));
      if (step && !triaged && settled.has(step.id)) {
        triaged = step.id;
        await writeTriage(data, await loadTriage(data), step.id, {
          state: 'accepted',
          note: 'the new parser is worth it',
          at: new Date(0).toISOString(),
          by: null,
          range: { from: step.fromTime, to: step.toTime, series: worseSeries(step) },
        });
      }
    }
    expect(settled.size).toBeGreaterThanOrEqual(3);
    expect(last.find((event) => event.id === triaged)?.state).toBe('triaged');

    // A decision recorded under an id from before the range moved still finds its event, by range and series.
    const step = last.find((event) => event.id === triaged) as RegressionEvent;
    const moved = await tempDir();
    await appendRuns(moved, records);
    await writeTriage(moved, new Map(), 'e-0123456789ab-r', {
      state: 'invalid',
      note: '',
      at: new Date(0).toISOString(),
      by: null,
      range: { from: step.fromTime, to: step.toTime, series: worseSeries(step) },
    });
    const reopened = await openHistory(moved);
    const again = (await historyEvents(reopened, await seriesChanges(reopened, 'main'), settings, await loadTriage(moved))).events;
    reopened.close();
    expect(again.find((event) => event.id === step.id)?.triage?.state).toBe('invalid');

    // The nightly job's issue: an open issue for the same range under an older id is commented on, never doubled.
    const report = reportForIssuesSchema.parse({
      reportVersion: 1,
      run: { runId: records.at(-1)?.id, platform: 'P1', timestamp: records.at(-1)?.timestamp, gitCommit: null },
      metrics: [],
      events: [step],
    });
    const requests: Array<{ method: string; path: string }> = [];
    const api = (existingBody: string): GitHubApi => ({
      list: async <T>() => [{ number: 7, body: existingBody, html_url: 'https://github.com/o/r/issues/7' }] as T[],
      request: async <T>(method: string, path: string) => {
        requests.push({ method, path });
        return { number: 8, html_url: 'https://github.com/o/r/issues/8' } as T;
      },
    });
    const older = `${eventKey('e-0123456789ab-r')}\n${eventRangeKey(step)}\nold`;
    const outcomes = await reportRegressionIssues(api(older), 'o/r', report, { run: 'https://example.org/run' });
    expect(outcomes).toEqual([{ series: step.id, action: 'commented', url: 'https://github.com/o/r/issues/7' }]);
    expect(requests).toEqual([{ method: 'POST', path: '/repos/o/r/issues/7/comments' }]);
  });
});
