/**
 * The nightly job's regression issues: one open issue per regressed series (platform × metric). A
 * regression that already has an open issue gets a comment on it, never a duplicate issue; the issue
 * is found by a hidden key in its body, which survives edits to its title.
 */
import { z } from 'zod';
import { escapeMarkdown } from './escape.ts';
import { formatChange, formatValue } from './format.ts';
import type { GitHubApi } from './github-api.ts';

export const REGRESSION_LABEL = 'performance-regression';

/** What the issue logic reads from a JSON report (`npm run report -- --format json`). */
export const reportForIssuesSchema = z.object({
  reportVersion: z.literal(1),
  run: z.object({ runId: z.string(), platform: z.string(), gitCommit: z.string().nullable(), timestamp: z.string() }),
  metrics: z.array(
    z.object({
      platform: z.string(),
      suite: z.string(),
      metric: z.string(),
      unit: z.string(),
      current: z.number().nullable(),
      baseline: z.number().nullable(),
      change: z.number().nullable(),
      status: z.string(),
    }),
  ),
});
export type ReportForIssues = z.infer<typeof reportForIssuesSchema>;

interface Issue {
  number: number;
  body?: string | null;
  html_url: string;
  pull_request?: unknown;
}

/** The hidden key of a series: URI-encoded, so no name can end the HTML comment it sits in. */
export function seriesKey(series: { platform: string; suite: string; metric: string }): string {
  return `<!-- perfsite:regression ${[series.platform, series.suite, series.metric].map(encodeURIComponent).join('/')} -->`;
}

export interface IssueOutcome {
  series: string;
  action: 'opened' | 'commented';
  url: string;
}

export async function reportRegressionIssues(
  api: GitHubApi,
  repository: string,
  report: ReportForIssues,
  links: { run: string },
): Promise<IssueOutcome[]> {
  const regressions = report.metrics.filter((metric) => metric.status === 'regression');
  if (regressions.length === 0) return [];
  const open = (await api.list<Issue>(`/repos/${repository}/issues?state=open&labels=${REGRESSION_LABEL}`)).filter(
    (issue) => !issue.pull_request,
  );
  const outcomes: IssueOutcome[] = [];
  for (const regression of regressions) {
    const key = seriesKey(regression);
    const name = `${regression.suite} / ${regression.metric} on ${regression.platform}`;
    const line = `${escapeMarkdown(formatValue(regression.current, regression.unit))} against a baseline of ${escapeMarkdown(formatValue(regression.baseline, regression.unit))} (${escapeMarkdown(formatChange(regression.change))}) in [run ${escapeMarkdown(report.run.runId)}](${links.run}) of ${report.run.timestamp.slice(0, 10)}${report.run.gitCommit ? `, commit \`${report.run.gitCommit.slice(0, 12)}\`` : ''}.`;
    const existing = open.find((issue) => issue.body?.includes(key));
    if (existing) {
      await api.request('POST', `/repos/${repository}/issues/${existing.number}/comments`, { body: `Still regressed: ${line}` });
      outcomes.push({ series: name, action: 'commented', url: existing.html_url });
      continue;
    }
    const created = await api.request<Issue>('POST', `/repos/${repository}/issues`, {
      title: `Performance regression: ${name}`.slice(0, 250),
      body: `${key}\n**${escapeMarkdown(name)}** regressed: ${line}\n\nClose this issue once fixed; perfsite opens a new one if it regresses again.`,
      labels: [REGRESSION_LABEL],
    });
    open.push(created);
    outcomes.push({ series: name, action: 'opened', url: created.html_url });
  }
  return outcomes;
}
