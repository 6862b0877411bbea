/**
 * The body of a run's permalink page as an HTML string. There is a page per run, so at 100,000 runs
 * they are written by a build hook from this function (see run-pages-writer.ts) rather than one by
 * one through Astro's page pipeline; `astro dev` shows the same markup through src/pages/runs/[id].astro.
 */

import { type BenchmarkGroup, worstStatus } from '../analysis/benchmark-groups.ts';
import { STATUS_LABELS } from '../analysis/regression-rule.ts';
import { describeSharedShift, sharedShift } from '../analysis/shared-shift.ts';
import { escapeHtml as e } from '../shared/escape.ts';
import { formatChange, formatChangeWithInterval, formatPercent, formatPValue, formatValue } from '../shared/format.ts';
import { metricKey } from '../shared/keys.ts';
import { describeParams } from '../shared/param-text.ts';
import { plural } from '../shared/plural.ts';
import { formatSecond } from '../shared/timestamps.ts';
import { runQuery } from './explorer-queries.ts';
import type { SiteLinks } from './site-links.ts';
import type { RunPage } from './site-model.ts';

export type RunLinks = Pick<SiteLinks, 'platform' | 'platformMetric' | 'run' | 'explore'>;

function mostCommon(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** When most metrics moved together, the machine is the first suspect: say so (shared-shift.ts). */
function sharedNote(statuses: RunPage['statuses']): string {
  const shared = sharedShift(statuses);
  return shared ? `<p class="shared-shift">${e(describeSharedShift(shared))}</p>` : '';
}

export function renderRunPageBody(page: RunPage, links: RunLinks): string {
  const { run, statuses, compared, previousRunId, beside, changes } = page;
  const regressions = statuses.filter((status) => status.status === 'regression').length;
  const facts = [
    ['run', `<code>${e(run.runId)}</code>`],
    ['time', `<time datetime="${e(run.timestamp)}">${e(formatSecond(run.timestamp))} UTC</time>`],
    ['platform', `<a href="${e(links.platform(run.platform))}">${e(run.platform)}</a>`],
    ['query', `<a href="${e(links.explore(runQuery(run.runId)))}">open this run in the explorer</a>`],
    [
      'commit',
      `${run.gitCommit ? `<code>${e(run.gitCommit)}</code>` : 'not recorded'}${run.gitBranch ? ` on <code>${e(run.gitBranch)}</code>` : ''}${run.gitDirty ? ' (with uncommitted changes)' : ''}`,
    ],
    ...(run.gitMessage ? [['message', `<span class="message">${e(run.gitMessage)}</span>`]] : []),
    ['mode', `${e(run.mode)}, ${e(run.runType)} run${run.synthetic ? ' · synthetic data' : ''}`],
    ...(previousRunId ? [['before it', `<a href="${e(links.run(previousRunId))}">the previous run on this platform</a>`]] : []),
    ...(compared?.relation === 'parent commit'
      ? [['parent commit', `<a href="${e(links.run(compared.runId))}">its run on this platform</a>`]]
      : []),
  ];
  const comparedLabel = compared?.relation === 'parent commit' ? 'parent commit' : 'previous run';
  const besideByMetric = new Map(beside.map((row) => [metricKey(row), row]));
  const usualThreshold = mostCommon(statuses.map((status) => status.threshold.value));
  const comparedCells = (suite: string, metric: string) => {
    if (!compared) return '';
    const row = besideByMetric.get(metricKey({ suite, metric }));
    if (!row) return '<td></td><td></td>';
    return `<td class="number" data-label="${comparedLabel}">${e(formatValue(row.before, row.unit))}</td><td class="number mark ${row.mark}" data-label="vs ${comparedLabel}">${e(row.change === null ? row.mark : `${formatChangeWithInterval(row.change, row.significance)}${row.mark === 'noise' ? ', likely noise' : ''}`)}</td>`;
  };
  if (page.detail === 'compact') return compactBody(page, links, facts, regressions);
  const row = (status: RunPage['statuses'][number], label?: string) =>
    `<tr><td>${label === undefined ? `<span class="muted">${e(status.suite)} /</span> ` : ''}<a href="${e(links.platformMetric(run.platform, status.suite, status.metric))}">${e(label ?? status.metric)}</a></td>` +
    `<td><span class="badge ${status.status}">${STATUS_LABELS[status.status]}</span>${status.threshold.value === usualThreshold ? '' : ` <small class="muted">threshold ${formatPercent(status.threshold.value)}</small>`}</td>` +
    `<td class="number" data-label="this run">${e(formatValue(status.current, status.unit))}</td>` +
    `<td class="number" data-label="baseline">${e(formatValue(status.baseline, status.unit))}${status.baselineSource ? ` <small class="muted">${status.baselineSource === 'pinned' ? 'pinned' : `median of ${status.baselineRuns}`}</small>` : ''}</td>` +
    `<td class="number${status.status === 'regression' ? ' mark worse' : status.status === 'improvement' ? ' mark better' : ''}" data-label="change">${e(formatChangeWithInterval(status.change, status.significance))}</td>${comparedCells(status.suite, status.metric)}</tr>`;
  // A parameterised benchmark is one group: a row naming it and its worst, its combinations (by their
  // parameters, in natural order) in a table of their own behind it.
  const groupOf = new Map(page.benchmarks.flatMap((group) => group.combos.map((combo) => [metricKey(combo), group] as const)));
  const byGroup = Map.groupBy(
    statuses.filter((status) => groupOf.has(metricKey(status))),
    (status) => groupOf.get(metricKey(status)) as BenchmarkGroup,
  );
  const rows = statuses
    .filter((status) => !groupOf.has(metricKey(status)))
    .map((status) => row(status))
    .join('\n');
  const heads = `<thead><tr><th scope="col">metric</th><th scope="col">status</th><th scope="col" class="number">this run</th><th scope="col" class="number">baseline</th><th scope="col" class="number">change</th>${
    compared
      ? `<th scope="col" class="number"><a href="${e(links.run(compared.runId))}">${comparedLabel}</a></th><th scope="col" class="number">vs ${comparedLabel}</th>`
      : ''
  }</tr></thead>`;
  const groups = [...byGroup]
    .map(([group, members]) => {
      const order = new Map(group.combos.map((combo, index) => [combo.metric, index]));
      const sorted = [...members].sort((a, b) => (order.get(a.metric) ?? 0) - (order.get(b.metric) ?? 0));
      const worst = worstStatus(sorted);
      const summary = `<span class="muted">${e(group.suite)} /</span> ${e(group.benchmark)}: ${plural(sorted.length, 'combination')} of ${e(group.paramNames.join(', '))}${
        worst
          ? `, the worst <span class="badge ${worst.status}">${STATUS_LABELS[worst.status]}</span> ${e(formatChangeWithInterval(worst.change, worst.significance))}`
          : ''
      }`;
      const combos = sorted
        .map((status) => row(status, describeParams(group.combos[order.get(status.metric) ?? 0]?.params ?? null)))
        .join('\n');
      return `<details class="run-benchmark"${worst && worst.status !== 'unchanged' ? ' open' : ''}><summary>${summary}</summary>
<div class="scroll"><table class="stack">${heads}<tbody>
${combos}
</tbody></table></div></details>`;
    })
    .join('\n');
  const removed = beside
    .filter((row) => row.mark === 'removed')
    .map(
      (row) =>
        `<tr><td><span class="muted">${e(row.suite)} /</span> ${e(row.metric)}</td><td>not measured</td><td></td><td></td><td></td><td class="number">${e(formatValue(row.before, row.unit))}</td><td class="mark removed">removed</td></tr>`,
    )
    .join('\n');
  return `<div class="run-page">
<h1>Run on ${e(run.platform)}</h1>
<dl class="facts">${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
<p class="verdict${regressions > 0 ? ' bad' : ''}">${regressions > 0 ? `${plural(regressions, 'regression')}` : 'No regressions'} against the baselines</p>${sharedNote(statuses)}
<p class="muted">Each metric against its baseline (the regression threshold is ${formatPercent(usualThreshold ?? 0)} unless marked)${compared ? `, and beside ${compared.relation === 'parent commit' ? 'the run of its parent commit' : 'the previous run'} on this platform` : ''}.</p>
${
  changes.length > 0
    ? `<section aria-labelledby="change-points"><h2 id="change-points">A new level starts here</h2><ul>${changes
        .map(
          (change) =>
            `<li class="${change.worse ? 'mark worse' : 'mark better'}"><a href="${e(links.platformMetric(run.platform, change.suite, change.metric))}">${e(`${change.suite} / ${change.metric}`)}</a>: the mean moved from ${e(formatValue(change.meanBefore, change.unit))} to ${e(formatValue(change.meanAfter, change.unit))} (${e(formatChange(change.change))}, p = ${e(formatPValue(change.pValue))}${change.speedCorrected ? ', corrected for runner effects' : ''}) since <a href="${e(links.run(change.previousRunId))}">the run before</a></li>`,
        )
        .join('')}</ul></section>`
    : ''
}
<div class="scroll"><table class="stack">${heads}<tbody>
${rows}${removed ? `\n${removed}` : ''}
</tbody></table></div>${groups ? `\n${groups}` : ''}
</div>`;
}

/**
 * An older run of a long history: its facts (but the explorer link, a fifth of the page), and each
 * metric's value and status against its baseline then, in rows a fifth the size of a full page's (no end
 * tags, no links per metric).
 */
function compactBody(page: RunPage, links: RunLinks, facts: string[][], regressions: number): string {
  const rows = page.statuses
    .map((status) => {
      const change = formatChange(status.change);
      const verdict =
        status.status === 'unchanged'
          ? change
          : `<span class="badge ${status.status}">${STATUS_LABELS[status.status]}</span>${status.change === null ? '' : ` ${change}`}`;
      // The value column is right-aligned by its position (Base.astro): a class on every row would cost 70 MB at 100,000 runs.
      return `<tr><td>${e(`${status.suite} / ${status.metric}`)}<td>${e(formatValue(status.current, status.unit))}<td>${verdict}`;
    })
    .join('\n');
  return `<div class="run-page">
<h1>Run on ${e(page.run.platform)}</h1>
<dl class="facts">${facts
    .filter(([term]) => term !== 'query')
    .map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`)
    .join('')}</dl>
<p class="verdict${regressions > 0 ? ' bad' : ''}">${regressions > 0 ? `${plural(regressions, 'regression')}` : 'No regressions'} against the baselines</p>${sharedNote(page.statuses)}
<p class="muted">An older run, shown compactly: values and changes against the baselines of the time; <a href="${e(links.platform(page.run.platform))}">its platform's charts</a> show every run.</p>
<div class="scroll"><table class="compact"><thead><tr><th scope="col">metric</th><th scope="col" class="number">this run</th><th scope="col">change</th></tr></thead><tbody>
${rows}
</tbody></table></div>
</div>`;
}
