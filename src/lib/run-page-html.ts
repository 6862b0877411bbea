/**
 * The body of a run's permalink page as an HTML string. There is a page per run, so at 100,000 runs
 * they are written by a build hook from this function (see run-pages-writer.ts) rather than one by
 * one through Astro's page pipeline; `astro dev` shows the same markup through src/pages/runs/[id].astro.
 */
import { escapeHtml as e } from './escape.ts';
import { formatChange, formatPercent, formatValue } from './format.ts';
import { STATUS_LABELS } from './regression-rule.ts';
import { metricSlug, type RunPage } from './site-model.ts';

export interface RunLinks {
  platform(platform: string): string;
  run(runId: string): string;
}

export function renderRunPageBody(page: RunPage, links: RunLinks): string {
  const { run, statuses, previousRunId, previous } = page;
  const regressions = statuses.filter((status) => status.status === 'regression').length;
  const facts = [
    ['run', `<code>${e(run.runId)}</code>`],
    ['time', `<time datetime="${e(run.timestamp)}">${e(run.timestamp.slice(0, 19).replace('T', ' '))} UTC</time>`],
    ['platform', `<a href="${e(links.platform(run.platform))}">${e(run.platform)}</a>`],
    [
      'commit',
      `${run.gitCommit ? `<code>${e(run.gitCommit)}</code>` : 'not recorded'}${run.gitBranch ? ` on <code>${e(run.gitBranch)}</code>` : ''}${run.gitDirty ? ' (with uncommitted changes)' : ''}`,
    ],
    ...(run.gitMessage ? [['message', `<span class="message">${e(run.gitMessage)}</span>`]] : []),
    ['mode', `${e(run.mode)}, ${e(run.runType)} run${run.synthetic ? ' · synthetic data' : ''}`],
    ...(previousRunId ? [['before it', `<a href="${e(links.run(previousRunId))}">the previous run on this platform</a>`]] : []),
  ];
  const rows = statuses
    .map(
      (status) =>
        `<tr><td><span class="muted">${e(status.suite)} /</span> <a href="${e(`${links.platform(run.platform)}#${metricSlug(status.suite, status.metric)}`)}">${e(status.metric)}</a></td>` +
        `<td><span class="badge ${status.status}">${STATUS_LABELS[status.status]}</span></td>` +
        `<td class="number">${e(formatValue(status.current, status.unit))}</td>` +
        `<td class="number">${e(formatChange(status.change))}</td>` +
        `<td class="number">${e(formatValue(status.baseline, status.unit))}${status.baselineSource ? ` <small class="muted">${status.baselineSource === 'pinned' ? 'pinned' : `median of ${status.baselineRuns}`}</small>` : ''}</td>` +
        `<td class="number">${formatPercent(status.threshold.value)}</td></tr>`,
    )
    .join('\n');
  const beside = previousRunId
    ? `<section aria-labelledby="previous"><h2 id="previous">Against the <a href="${e(links.run(previousRunId))}">previous run</a> on ${e(run.platform)}</h2>
<div class="scroll"><table><thead><tr><th scope="col">metric</th><th scope="col" class="number">before</th><th scope="col" class="number">this run</th><th scope="col" class="number">change</th><th scope="col"></th></tr></thead><tbody>
${previous
  .map(
    (row) =>
      `<tr><td><span class="muted">${e(row.suite)} /</span> ${e(row.metric)}</td><td class="number">${e(formatValue(row.before, row.unit))}</td><td class="number">${e(formatValue(row.after, row.unit))}</td><td class="number">${e(formatChange(row.change))}</td><td class="mark ${row.mark}">${row.mark}</td></tr>`,
  )
  .join('\n')}
</tbody></table></div></section>`
    : '';
  return `<div class="run-page">
<h1>Run on ${e(run.platform)}</h1>
<dl class="facts">${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
<p class="verdict${regressions > 0 ? ' bad' : ''}">${regressions > 0 ? `${regressions} regression${regressions === 1 ? '' : 's'}` : 'No regressions'} against the baselines</p>
<div class="scroll"><table><thead><tr><th scope="col">metric</th><th scope="col">status</th><th scope="col" class="number">value</th><th scope="col" class="number">change</th><th scope="col" class="number">baseline</th><th scope="col" class="number">threshold</th></tr></thead><tbody>
${rows}
</tbody></table></div>
${beside}
</div>`;
}
