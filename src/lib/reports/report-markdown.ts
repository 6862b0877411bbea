/** The PR comment: the seed's Markdown report, with every name from a run escaped. */

import { eventHeadline } from '../analysis/regression-events.ts';
import type { MetricStatus } from '../analysis/status.ts';
import { escapeMarkdown } from '../shared/escape.ts';
import { formatChangeWithInterval, formatPercent, formatValue } from '../shared/format.ts';
import type { Status } from '../shared/regression-rule.ts';
import { shortCommit } from '../shared/short-commit.ts';
import { formatDay } from '../shared/timestamps.ts';
import type { RunReport } from './run-report.ts';

export const STATUS_ICONS: Record<Status, string> = {
  regression: '❌ regression',
  'new-level': '⚠️ new level',
  improvement: '🚀 improvement',
  unchanged: '✅',
  noise: '〰️ likely noise',
  new: '🆕 new metric',
  'no-baseline': '➖ no baseline',
  failed: '💥 failed',
};

function baselineCell(metric: MetricStatus): string {
  if (metric.baseline === null) return '—';
  const source = metric.baselineSource === 'pinned' ? 'pinned' : `median of ${metric.baselineRuns}`;
  return `${escapeMarkdown(formatValue(metric.baseline, metric.unit))} (${source})`;
}

/**
 * `runUrl` links the run; `siteUrl` (the published site) links each open event the judged metrics are part of.
 */
export function renderMarkdownReport(report: RunReport, options: { runUrl?: string; siteUrl?: string } = {}): string {
  const { run } = report;
  const lines: string[] = ['## 📊 Performance Report', ''];
  lines.push(`**Platform**: \`${run.platform}\``, '');
  const commit = run.gitCommit
    ? `commit \`${shortCommit(run.gitCommit)}\`${run.gitBranch ? ` on ${escapeMarkdown(run.gitBranch)}` : ''}${run.gitDirty ? ' (uncommitted changes)' : ''}`
    : 'no git information';
  const runRef = options.runUrl ? `[${run.runId}](${encodeURI(options.runUrl)})` : `\`${run.runId}\``;
  lines.push(`**Run**: ${runRef} · ${commit} · ${run.mode} mode, ${run.runType} run`, '');
  if (run.gitMessage) lines.push(`**Message**: ${escapeMarkdown(run.gitMessage.split('\n')[0] ?? '')}`, '');
  lines.push('### 📈 Metrics Comparison', '');
  lines.push('| Metric | Current | Baseline | Change | Threshold | Status |');
  lines.push('|--------|--------:|---------:|-------:|----------:|--------|');
  const ordered = [...report.metrics].sort((a, b) => Number(b.status === 'regression') - Number(a.status === 'regression'));
  for (const metric of ordered) {
    lines.push(
      `| ${escapeMarkdown(`${metric.suite} / ${metric.metric}`)} | ${escapeMarkdown(formatValue(metric.current, metric.unit))} | ${baselineCell(metric)} | ${escapeMarkdown(formatChangeWithInterval(metric.change, metric.significance))} | ${formatPercent(metric.threshold.value)} | ${STATUS_ICONS[metric.status]} |`,
    );
  }
  lines.push('');
  lines.push(`### ${report.passed ? '✅' : '❌'} ${escapeMarkdown(report.verdict)}`);
  for (const note of report.notes) lines.push('', `> ${escapeMarkdown(note)}`);
  if (report.events.length > 0) {
    lines.push('', `### 🔎 Open regressions on ${escapeMarkdown(report.settings.defaultBranch)} these metrics are part of`, '');
    const site = options.siteUrl?.replace(/\/?$/, '/');
    report.events.forEach((event, index) => {
      const headline = escapeMarkdown(eventHeadline(event));
      const title = site ? `[${headline}](${encodeURI(`${site}events/${encodeURIComponent(event.id)}/`)})` : headline;
      // The id is what `npm run triage` takes.
      lines.push(`- ${title}, since ${formatDay(event.toTime)} (\`${event.id}\`): ${escapeMarkdown(report.eventMembers[index] ?? '')}`);
    });
  }
  lines.push(
    '',
    `_Baselines: pinned values from data/baselines.json, otherwise the median of the last ${report.settings.baselineWindow} runs on ${escapeMarkdown(report.settings.defaultBranch)}. ` +
      `Changes are relative and direction-aware; the default threshold is ${formatPercent(report.settings.threshold)} (${escapeMarkdown(report.settings.thresholdSource)}). ` +
      `Where the run and its baseline runs kept samples, a change beyond the threshold must also be significant (Mann–Whitney), and the change shows its 95 % interval and p-value; otherwise it is likely noise._`,
  );
  return `${lines.join('\n')}\n`;
}
