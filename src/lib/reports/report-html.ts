/** A standalone HTML report of one run: one file, inline styles, no script, every name escaped. */

import { escapeHtml } from '../shared/escape.ts';
import { formatChangeWithInterval, formatPercent, formatValue } from '../shared/format.ts';
import { STATUS_LABELS } from '../shared/regression-rule.ts';
import { shortCommit } from '../shared/short-commit.ts';
import type { RunReport } from './run-report.ts';

export function renderHtmlReport(report: RunReport): string {
  const { run } = report;
  const rows = report.metrics
    .map(
      (metric) => `<tr class="${metric.status}">
  <td><span class="suite">${escapeHtml(metric.suite)} /</span> ${escapeHtml(metric.metric)}</td>
  <td class="n">${escapeHtml(formatValue(metric.current, metric.unit))}</td>
  <td class="n">${escapeHtml(formatValue(metric.baseline, metric.unit))}${metric.baselineSource ? ` <small>${metric.baselineSource === 'pinned' ? 'pinned' : `median of ${metric.baselineRuns}`}</small>` : ''}</td>
  <td class="n">${escapeHtml(formatChangeWithInterval(metric.change, metric.significance))}</td>
  <td class="n">${formatPercent(metric.threshold.value)}</td>
  <td>${STATUS_LABELS[metric.status]}</td>
</tr>`,
    )
    .join('\n');
  const commit = run.gitCommit
    ? `commit <code>${escapeHtml(shortCommit(run.gitCommit))}</code>${run.gitBranch ? ` on <code>${escapeHtml(run.gitBranch)}</code>` : ''}`
    : 'no git information';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Performance report · ${escapeHtml(run.platform)} · ${escapeHtml(run.runId)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; line-height: 1.5; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #8884; }
.n { text-align: right; }
tr.regression td:last-child, tr.failed td:last-child { color: #cf222e; font-weight: 600; }
tr.improvement td:last-child { color: #1a7f37; font-weight: 600; }
.verdict { font-size: 1.2rem; font-weight: 600; }
.scroll { overflow-x: auto; }
.suite { color: #59636e; }
@media (prefers-color-scheme: dark) {
  tr.regression td:last-child, tr.failed td:last-child { color: #ff7b72; }
  tr.improvement td:last-child { color: #3fb950; }
  .suite { color: #9198a1; }
}
</style>
</head>
<body>
<h1>Performance report</h1>
<p><strong>Platform</strong>: <code>${escapeHtml(run.platform)}</code> · <strong>Run</strong>: <code>${escapeHtml(run.runId)}</code> (${escapeHtml(run.timestamp)})<br>
${commit}${run.gitMessage ? ` — ${escapeHtml(run.gitMessage.split('\n')[0] ?? '')}` : ''} · ${escapeHtml(run.mode)} mode, ${escapeHtml(run.runType)} run</p>
<p class="verdict">${report.passed ? '✅' : '❌'} ${escapeHtml(report.verdict)}</p>
<div class="scroll">
<table>
<thead><tr><th>metric</th><th class="n">current</th><th class="n">baseline</th><th class="n">change</th><th class="n">threshold</th><th>status</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
${[...report.notes, ...report.eventNotes].map((note) => `<p>${escapeHtml(note)}</p>`).join('\n')}
<p><small>Baselines: pinned values from data/baselines.json, otherwise the median of the last ${report.settings.baselineWindow} runs on ${escapeHtml(report.settings.defaultBranch)}. Default threshold ${formatPercent(report.settings.threshold)} (${escapeHtml(report.settings.thresholdSource)}).</small></p>
</body>
</html>
`;
}
