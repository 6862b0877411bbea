/**
 * The nightly job's regression issues: one open issue per regression event (a commit range and every
 * series that moved there), and one per regressed series no event explains yet. A regression that already
 * has an open issue gets a comment on it, never a duplicate issue; the issue is found by a hidden key in its
 * body (the event's id, or the series), which survives edits to its title.
 */

import { z } from 'zod';
import { escapeMarkdown } from '../shared/escape.ts';
import { CAUSE_KINDS, CAUSE_LABELS } from '../shared/event-cause.ts';
import { formatChange, formatValue } from '../shared/format.ts';
import { metricKey } from '../shared/keys.ts';
import { plural } from '../shared/plural.ts';
import { shortCommit } from '../shared/short-commit.ts';
import { formatDay } from '../shared/timestamps.ts';
import { safeIdSchema } from '../store/record.ts';
import type { GitHubApi } from './github-api.ts';

export const REGRESSION_LABEL = 'performance-regression';

/**
 * A commit as a hash, never a stranger's text: it is written between backticks, where a forged one
 * (x` @bob `y) would end the code span and mention someone.
 */
const commitHash = z.string().regex(/^[0-9a-f]{7,64}$/i, 'is not a commit hash');

/** What the issue logic reads from a JSON report (`npm run report -- --format json`). */
export const reportForIssuesSchema = z.object({
  reportVersion: z.literal(1),
  run: z.object({ runId: safeIdSchema, platform: z.string(), gitCommit: commitHash.nullable(), timestamp: z.string() }),
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
  /** The open regression events the run's series are part of (reports before events have none). */
  events: z
    .array(
      z.object({
        id: z.string().regex(/^e-[A-Za-z0-9._-]{1,200}$/, 'is not an event id'),
        /** Absent from reports written before events had ranges in issues: then the range is its end alone. */
        fromTime: z.string().optional(),
        toTime: z.string(),
        series: z.array(
          z.object({
            platform: z.string(),
            suite: z.string(),
            metric: z.string(),
            unit: z.string(),
            meanBefore: z.number(),
            meanAfter: z.number(),
            change: z.number(),
            worse: z.boolean(),
          }),
        ),
        commits: z.array(z.object({ commit: commitHash, message: z.string().nullable() })),
        cause: z.object({ kind: z.enum(CAUSE_KINDS), evidence: z.string() }),
        /** The commit that made it (data/culprits.json); absent from reports written before bisect. */
        culprit: z
          .object({ commit: commitHash, subject: z.string().max(2000), by: z.enum(['bisect', 'hand']) })
          .nullable()
          .default(null),
        /** A bisect of its range that named none, and why (culprits.json, commit null). */
        bisectWithoutCulprit: z
          .object({ at: z.string().max(64), note: z.string().max(2000) })
          .nullable()
          .default(null),
      }),
    )
    .default([]),
});
export type ReportForIssues = z.infer<typeof reportForIssuesSchema>;

interface Issue {
  number: number;
  body?: string | null;
  html_url: string;
  pull_request?: unknown;
}

/** The hidden key of an event: its id is a safe run id, but it is encoded like the series' keys all the same. */
type ReportEvent = ReportForIssues['events'][number];

export function eventKey(id: string): string {
  return `<!-- perfsite:event ${encodeURIComponent(id)} -->`;
}

/**
 * The hidden range of an event's issue: its commit range in time and the series it made worse, URI-encoded.
 * An event whose range narrowed or widened as runs came in is found by it (sameEvent), never reported twice.
 */
export function eventRangeKey(event: Pick<ReportEvent, 'fromTime' | 'toTime' | 'series'>): string {
  const worse = event.series.filter((change) => change.worse).map((change) => encodedSeries(change));
  return `<!-- perfsite:range ${encodeURIComponent(event.fromTime ?? event.toTime)} ${encodeURIComponent(event.toTime)} ${worse.join(' ')} -->`;
}

const RANGE_KEY = /<!-- perfsite:range (\S+) (\S+) ([^>]*)-->/;

function encodedSeries(series: { platform: string; suite: string; metric: string }): string {
  return [series.platform, series.suite, series.metric].map(encodeURIComponent).join('/');
}

/** Whether an issue reports this event: by its id, or by a range that overlaps the event's and a series both made worse. */
function sameEvent(body: string | null | undefined, event: ReportEvent): boolean {
  if (!body) return false;
  if (body.includes(eventKey(event.id))) return true;
  const found = RANGE_KEY.exec(body);
  if (!found) return false;
  const [from, to] = [decodeURIComponent(found[1] as string), decodeURIComponent(found[2] as string)];
  const theirs = new Set((found[3] as string).split(' ').filter(Boolean));
  const overlaps = from <= event.toTime && (event.fromTime ?? event.toTime) <= to;
  return overlaps && event.series.some((change) => change.worse && theirs.has(encodedSeries(change)));
}

/** The hidden key of a series: URI-encoded, so no name can end the HTML comment it sits in. */
export function seriesKey(series: { platform: string; suite: string; metric: string }): string {
  return `<!-- perfsite:regression ${[series.platform, series.suite, series.metric].map(encodeURIComponent).join('/')} -->`;
}

export interface IssueOutcome {
  series: string;
  action: 'opened' | 'commented' | 'left out';
  /** Empty for one left out. */
  url: string;
}

/**
 * The most issues one night opens: a report forged in the job that benchmarked (or a history gone wrong)
 * must not flood the tracker. The rest are left out and said; the next night opens them if they last.
 */
export const MAX_NEW_ISSUES_A_NIGHT = 10;

/**
 * "The commit that made it, found by bisect: `1a2b3c4d5e` parse: read the whole file.", "Bisect named no culprit
 * on 2026-12-07: no change across this range on this machine.", or nothing.
 */
function culpritLine(event: ReportEvent): string | null {
  if (!event.culprit)
    return event.bisectWithoutCulprit
      ? `Bisect named no culprit on ${formatDay(event.bisectWithoutCulprit.at)}: ${escapeMarkdown(event.bisectWithoutCulprit.note)}.`
      : null;
  const how = event.culprit.by === 'bisect' ? 'found by bisect' : 'named by hand';
  return `The commit that made it, ${how}: \`${shortCommit(event.culprit.commit)}\` ${escapeMarkdown(event.culprit.subject)}`;
}

function eventBody(event: ReportEvent, links: { event: (id: string) => string }): { title: string; body: string } {
  const worse = event.series.filter((change) => change.worse);
  const worst = [...worse].sort((a, b) => Math.abs(b.change) - Math.abs(a.change))[0] ?? event.series[0];
  const metrics = new Set(event.series.map((change) => metricKey(change))).size;
  const platforms = new Set(event.series.map((change) => change.platform)).size;
  const name = worst ? `${worst.suite} / ${worst.metric} on ${worst.platform} ${formatChange(worst.change)}` : event.id;
  const commit = event.commits[0];
  const rows = event.series
    .slice(0, 20)
    .map(
      (change) =>
        `| ${escapeMarkdown(change.platform)} | ${escapeMarkdown(`${change.suite} / ${change.metric}`)} | ${escapeMarkdown(formatValue(change.meanBefore, change.unit))} | ${escapeMarkdown(formatValue(change.meanAfter, change.unit))} | ${escapeMarkdown(formatChange(change.change))} |`,
    );
  const body = [
    eventKey(event.id),
    eventRangeKey(event),
    `**${escapeMarkdown(name)}**, and ${plural(platforms, 'platform')} × ${plural(metrics, 'metric')} in all, since ${formatDay(event.toTime)}: [event ${escapeMarkdown(event.id)}](${links.event(event.id)}).`,
    '',
    ...(commit
      ? [
          `Commits in the range: ${event.commits.map((each) => `\`${shortCommit(each.commit)}\` ${escapeMarkdown(each.message ?? '')}`).join('; ')}`,
          '',
        ]
      : []),
    ...(culpritLine(event) ? [culpritLine(event) as string, ''] : []),
    `> Cause: ${CAUSE_LABELS[event.cause.kind]}. ${escapeMarkdown(event.cause.evidence)}.`,
    '',
    '| platform | metric | before | after | change |',
    '|---|---|---|---|---|',
    ...rows,
    ...(event.series.length > 20 ? ['', `… and ${event.series.length - 20} more on the event's page.`] : []),
    '',
    'Close this issue once fixed; perfsite opens a new one for a new event.',
  ].join('\n');
  return { title: `Performance regression: ${name}`.slice(0, 250), body };
}

export async function reportRegressionIssues(
  api: GitHubApi,
  repository: string,
  report: ReportForIssues,
  links: { run: string; event?: (id: string) => string },
): Promise<IssueOutcome[]> {
  const explained = (metric: { platform: string; suite: string; metric: string }) =>
    report.events.some((event) =>
      event.series.some(
        (change) => change.platform === metric.platform && change.suite === metric.suite && change.metric === metric.metric,
      ),
    );
  const regressions = report.metrics.filter((metric) => metric.status === 'regression' && !explained(metric));
  if (regressions.length === 0 && report.events.length === 0) return [];
  const open = (await api.list<Issue>(`/repos/${repository}/issues?state=open&labels=${REGRESSION_LABEL}`)).filter(
    (issue) => !issue.pull_request,
  );
  const outcomes: IssueOutcome[] = [];
  const opened = () => outcomes.filter((outcome) => outcome.action === 'opened').length;
  const eventLink = links.event ?? (() => links.run);
  for (const event of report.events) {
    const existing = open.find((issue) => sameEvent(issue.body, event));
    if (existing) {
      await api.request('POST', `/repos/${repository}/issues/${existing.number}/comments`, {
        body: [
          `Still open in [run ${escapeMarkdown(report.run.runId)}](${links.run}) of ${formatDay(report.run.timestamp)}.`,
          ...(culpritLine(event) ? [culpritLine(event)] : []),
        ].join(' '),
      });
      outcomes.push({ series: event.id, action: 'commented', url: existing.html_url });
      continue;
    }
    if (opened() >= MAX_NEW_ISSUES_A_NIGHT) {
      outcomes.push({ series: event.id, action: 'left out', url: '' });
      continue;
    }
    const { title, body } = eventBody(event, { event: eventLink });
    const created = await api.request<Issue>('POST', `/repos/${repository}/issues`, { title, body, labels: [REGRESSION_LABEL] });
    open.push(created);
    outcomes.push({ series: event.id, action: 'opened', url: created.html_url });
  }
  for (const regression of regressions) {
    const key = seriesKey(regression);
    const name = `${regression.suite} / ${regression.metric} on ${regression.platform}`;
    const line = `${escapeMarkdown(formatValue(regression.current, regression.unit))} against a baseline of ${escapeMarkdown(formatValue(regression.baseline, regression.unit))} (${escapeMarkdown(formatChange(regression.change))}) in [run ${escapeMarkdown(report.run.runId)}](${links.run}) of ${formatDay(report.run.timestamp)}${report.run.gitCommit ? `, commit \`${shortCommit(report.run.gitCommit)}\`` : ''}.`;
    const existing = open.find((issue) => issue.body?.includes(key));
    if (existing) {
      await api.request('POST', `/repos/${repository}/issues/${existing.number}/comments`, { body: `Still regressed: ${line}` });
      outcomes.push({ series: name, action: 'commented', url: existing.html_url });
      continue;
    }
    if (opened() >= MAX_NEW_ISSUES_A_NIGHT) {
      outcomes.push({ series: name, action: 'left out', url: '' });
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
