/**
 * The nightly's issues name an event's culprit, found by bisect or by hand: in a new issue's body, and in the
 * comment an open issue gets each night. Its subject is a stranger's text: escaped as every commit message is.
 */
import { describe, expect, it } from 'vitest';
import type { GitHubApi } from '../../src/lib/github/github-api.ts';
import { eventKey, reportForIssuesSchema, reportRegressionIssues } from '../../src/lib/github/regression-issues.ts';

const CULPRIT = 'c'.repeat(40);

function report(culprit: unknown, bisectWithoutCulprit: unknown = null) {
  return reportForIssuesSchema.parse({
    reportVersion: 1,
    run: { runId: 'r-1', platform: 'P1', timestamp: '2026-12-07T02:00:00.000Z', gitCommit: null },
    metrics: [],
    events: [
      {
        id: 'e-bbbbbbbbbbbb-r',
        fromTime: '2026-12-05T02:00:00.000Z',
        toTime: '2026-12-06T02:00:00.000Z',
        series: [{ platform: 'P1', suite: 'bench', metric: 'parse', unit: 'ms', meanBefore: 1, meanAfter: 1.2, change: 0.2, worse: true }],
        commits: [{ commit: 'b'.repeat(40), message: 'a later commit' }],
        cause: { kind: 'code', evidence: 'two platforms moved' },
        culprit,
        bisectWithoutCulprit,
      },
    ],
  });
}

function recordingApi(open: Array<{ number: number; body: string }>): { api: GitHubApi; bodies: string[] } {
  const bodies: string[] = [];
  const api: GitHubApi = {
    list: async <T>() => open.map((issue) => ({ ...issue, html_url: `https://github.com/o/r/issues/${issue.number}` })) as T[],
    request: async <T>(_method: string, _path: string, body?: unknown) => {
      bodies.push((body as { body: string }).body);
      return { number: 9, html_url: 'https://github.com/o/r/issues/9' } as T;
    },
  };
  return { api, bodies };
}

describe('regression issues', () => {
  const culprit = { commit: CULPRIT, subject: 'parse: `read` it all @bob <img src=x>', by: 'bisect' };

  it('name the culprit in a new issue, its subject escaped', async () => {
    const { api, bodies } = recordingApi([]);
    await reportRegressionIssues(api, 'o/r', report(culprit), { run: 'https://example.org/run' });
    expect(bodies[0]).toContain(
      'The commit that made it, found by bisect: `cccccccccc` parse\\: \\`read\\` it all @&#8288;bob &lt;img src\\=x&gt;',
    );
    expect(bodies[0]).not.toContain('@bob');
    expect(bodies[0]).not.toContain('<img');
  });

  it("name it in an open issue's nightly comment, and say nothing of one when there is none", async () => {
    const open = [{ number: 7, body: `${eventKey('e-bbbbbbbbbbbb-r')}\nthe issue` }];
    const withCulprit = recordingApi(open);
    await reportRegressionIssues(withCulprit.api, 'o/r', report({ ...culprit, by: 'hand' }), { run: 'https://example.org/run' });
    expect(withCulprit.bodies).toEqual([
      expect.stringMatching(
        /^Still open in \[run r\\-1\]\(https:\/\/example\.org\/run\) of 2026-12-07\. The commit that made it, named by hand: `cccccccccc`/,
      ),
    ]);
    const without = recordingApi(open);
    await reportRegressionIssues(without.api, 'o/r', report(null), { run: 'https://example.org/run' });
    expect(without.bodies[0]).not.toContain('The commit that made it');
  });

  it('say when a bisect named none, and why, its text escaped', async () => {
    const { api, bodies } = recordingApi([]);
    const note =
      'the benchmark failed: benchmarking cccccccccc: `make bench` failed in /tmp/x (exit 2); fix it, then perfsite bisect --event e-bbbbbbbbbbbb-r';
    await reportRegressionIssues(api, 'o/r', report(null, { at: '2026-12-07T02:30:00.000Z', note }), { run: 'https://example.org/run' });
    expect(bodies[0]).toContain(
      'Bisect named no culprit on 2026-12-07: the benchmark failed\\: benchmarking cccccccccc\\: \\`make bench\\` failed in /tmp/x \\(exit 2\\)',
    );
    expect(bodies[0]).not.toContain('The commit that made it');
  });
});
