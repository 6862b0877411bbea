/**
 * The body of a run's permalink page as an HTML string. There is a page per run, so at 100,000 runs
 * a build writes them from this function (see run-pages-writer.ts) rather than one by
 * one through Astro's page pipeline; `astro dev` shows the same markup through src/pages/runs/[id].astro.
 */

import { type BenchmarkGroup, worstStatus } from '../analysis/benchmark-groups.ts';
import { describeSharedShift, sharedShift } from '../analysis/shared-shift.ts';
import { noBaselineNote } from '../reports/history-readiness.ts';
import { runVerdict } from '../reports/run-report.ts';
import { changeParts, formatChange, formatPercent, formatPValue, formatValue } from '../shared/format.ts';
import { breakable, Html, html } from '../shared/html.ts';
import { metricKey } from '../shared/keys.ts';
import { describeParams } from '../shared/param-text.ts';
import { plural } from '../shared/plural.ts';
import { STATUS_LABELS } from '../shared/regression-rule.ts';
import { formatSecond } from '../shared/timestamps.ts';
import { runQuery } from './explorer-queries.ts';
import type { RunPage } from './run-page-model.ts';
import type { SiteLinks } from './site-links.ts';

export type RunLinks = Pick<SiteLinks, 'platform' | 'platformMetric' | 'run' | 'explore' | 'compare'>;

function mostCommon(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** When most metrics moved together, the machine is the first suspect: say so (shared-shift.ts). */
function sharedNote(statuses: RunPage['statuses']): Html | null {
  const shared = sharedShift(statuses);
  return shared ? html`<p class="shared-shift">${describeSharedShift(shared)}</p>` : null;
}

type Facts = Array<[term: string, value: Html]>;

function factList(facts: Facts): Html {
  return html`<dl class="facts">${facts.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;
}

/** The verdict `check` gives the same run; a run with no baseline at all says why and what makes one. */
function verdictLine(page: RunPage): Html {
  const bad = page.statuses.some((status) => status.status === 'regression' || status.status === 'failed');
  const unjudged = page.statuses.length > 0 && page.statuses.every((status) => status.status === 'no-baseline');
  return html`<p class="verdict${bad ? ' bad' : ''}">${runVerdict(page.statuses)}</p>${unjudged && html`<p class="muted">${noBaselineNote(page.run.platform, page.readiness)}</p>`}`;
}

/** A change and the test behind it, as ChangeText.astro sets it on the other pages. */
function changeHtml(change: number | null, test: Parameters<typeof changeParts>[1]): Html {
  const parts = changeParts(change, test);
  return parts.detail === null ? html`${parts.change}` : html`${parts.change} <span class="test-detail">${parts.detail}</span>`;
}

function joinLines(parts: readonly Html[]): Html {
  return new Html(parts.map(String).join('\n'));
}

export function renderRunPageBody(page: RunPage, links: RunLinks): string {
  const { run, statuses, compared, previousRunId, beside, changes } = page;
  const facts: Facts = [
    ['run', html`<code>${run.runId}</code>`],
    ['time', html`<time datetime="${run.timestamp}">${formatSecond(run.timestamp)} UTC</time>`],
    ['platform', html`<a href="${links.platform(run.platform)}">${run.platform}</a>`],
    ['query', html`<a href="${links.explore(runQuery(run.runId))}">open this run in the explorer</a>`],
    [
      'commit',
      html`${run.gitCommit ? html`<code>${run.gitCommit}</code>` : 'not recorded'}${run.gitBranch && html` on <code>${run.gitBranch}</code>`}${run.gitDirty && ' (with uncommitted changes)'}`,
    ],
    ...(run.gitMessage ? ([['message', html`<span class="message">${run.gitMessage}</span>`]] as Facts) : []),
    ['mode', html`${run.mode}, ${run.runType} run${run.synthetic && ' · synthetic data'}`],
    ...(previousRunId ? ([['before it', html`<a href="${links.run(previousRunId)}">the previous run on this platform</a>`]] as Facts) : []),
    ...(compared?.relation === 'parent commit'
      ? ([['parent commit', html`<a href="${links.run(compared.runId)}">its run on this platform</a>`]] as Facts)
      : []),
    // Only runs with a full page are published for the comparison page.
    ...(page.detail === 'full'
      ? ([
          [
            'compare',
            html`${compared && html`<a href="${links.compare(compared.runId, run.runId)}">with the ${compared.relation === 'parent commit' ? "parent commit's run" : 'previous run'}</a> · `}<a href="${links.compare(undefined, run.runId)}">with another run or commit…</a>`,
          ],
        ] as Facts)
      : []),
  ];
  if (page.detail === 'compact') return compactBody(page, links, facts).text;
  const comparedLabel = compared?.relation === 'parent commit' ? 'parent commit' : 'previous run';
  const besideByMetric = new Map(beside.map((row) => [metricKey(row), row]));
  const usualThreshold = mostCommon(statuses.map((status) => status.threshold.value));
  const comparedCells = (suite: string, metric: string) => {
    if (!compared) return null;
    const row = besideByMetric.get(metricKey({ suite, metric }));
    if (!row) return html`<td></td><td></td>`;
    return html`<td class="number" data-label="${comparedLabel}">${formatValue(row.before, row.unit)}</td><td class="number mark ${row.mark}" data-label="vs ${comparedLabel}">${row.change === null ? row.mark : html`${changeHtml(row.change, row.significance)}${row.mark === 'noise' ? ', likely noise' : ''}`}</td>`;
  };
  const changeClass = (status: RunPage['statuses'][number]) =>
    status.status === 'regression' ? ' mark worse' : status.status === 'improvement' ? ' mark better' : '';
  const row = (status: RunPage['statuses'][number], label?: string) => {
    const name = html`<td>${label === undefined && html`<span class="muted">${status.suite} /</span> `}<a href="${links.platformMetric(run.platform, status.suite, status.metric)}">${label ?? status.metric}</a></td>`;
    const then = page.atTheTime.get(metricKey(status));
    const verdict = html`<td><span class="badge ${status.status}">${STATUS_LABELS[status.status]}</span>${status.threshold.value !== usualThreshold && html` <small class="muted">threshold ${formatPercent(status.threshold.value)}</small>`}${
      then &&
      html`<small class="hindsight">judged at the time: <span class="badge ${then.status}">${STATUS_LABELS[then.status]}</span> ${formatChange(then.change)} against ${formatValue(then.baseline, then.unit)} (median of ${then.baselineRuns}); with later runs, a change of level found since cut its baseline short</small>`
    }</td>`;
    const value = html`<td class="number" data-label="this run">${formatValue(status.current, status.unit)}</td>`;
    const baseline = html`<td class="number" data-label="baseline">${formatValue(status.baseline, status.unit)}${status.baselineSource && html` <small class="muted">${status.baselineSource === 'pinned' ? 'pinned' : `median of ${status.baselineRuns}`}</small>`}</td>`;
    const change = html`<td class="number${changeClass(status)}" data-label="change">${changeHtml(status.change, status.significance)}</td>`;
    return html`<tr>${name}${verdict}${value}${baseline}${change}${comparedCells(status.suite, status.metric)}</tr>`;
  };
  // A parameterised benchmark is one group: a row naming it and its worst, its combinations (by their
  // parameters, in natural order) in a table of their own behind it.
  const groupOf = new Map(page.benchmarks.flatMap((group) => group.combos.map((combo) => [metricKey(combo), group] as const)));
  const byGroup = Map.groupBy(
    statuses.filter((status) => groupOf.has(metricKey(status))),
    (status) => groupOf.get(metricKey(status)) as BenchmarkGroup,
  );
  const rows = joinLines(statuses.filter((status) => !groupOf.has(metricKey(status))).map((status) => row(status)));
  const heads = html`<thead><tr><th scope="col">metric</th><th scope="col">status</th><th scope="col" class="number">this run</th><th scope="col" class="number">baseline</th><th scope="col" class="number">change</th>${
    compared &&
    html`<th scope="col" class="number"><a href="${links.run(compared.runId)}">${comparedLabel}</a></th><th scope="col" class="number">vs ${comparedLabel}</th>`
  }</tr></thead>`;
  const groups = joinLines(
    [...byGroup].map(([group, members]) => {
      const order = new Map(group.combos.map((combo, index) => [combo.metric, index]));
      const sorted = [...members].sort((a, b) => (order.get(a.metric) ?? 0) - (order.get(b.metric) ?? 0));
      const worst = worstStatus(sorted);
      const summary = html`<span class="muted">${group.suite} /</span> ${group.benchmark}: ${plural(sorted.length, 'combination')} of ${group.paramNames.join(', ')}${
        worst &&
        html`, the worst <span class="badge ${worst.status}">${STATUS_LABELS[worst.status]}</span> ${changeHtml(worst.change, worst.significance)}`
      }`;
      const combos = joinLines(
        sorted.map((status) => row(status, describeParams(group.combos[order.get(status.metric) ?? 0]?.params ?? null))),
      );
      return html`<details class="run-benchmark"${worst && worst.status !== 'unchanged' && html` open`}><summary>${summary}</summary>
<div class="scroll"><table class="stack">${heads}<tbody>
${combos}
</tbody></table></div></details>`;
    }),
  );
  const removed = joinLines(
    beside
      .filter((row) => row.mark === 'removed')
      .map(
        (row) =>
          html`<tr><td><span class="muted">${row.suite} /</span> ${row.metric}</td><td>not measured</td><td></td><td></td><td></td><td class="number">${formatValue(row.before, row.unit)}</td><td class="mark removed">removed</td></tr>`,
      ),
  );
  const changeItems = changes.map(
    (change) =>
      html`<li class="${change.worse ? 'mark worse' : 'mark better'}"><a href="${links.platformMetric(run.platform, change.suite, change.metric)}">${`${change.suite} / ${change.metric}`}</a>: the mean moved from ${formatValue(change.meanBefore, change.unit)} to ${formatValue(change.meanAfter, change.unit)} (${formatChange(change.change)}, ${formatPValue(change.pValue)} by the change-point scan's t-test${change.speedCorrected && ', corrected for runner effects'}) since <a href="${links.run(change.previousRunId)}">the run before</a></li>`,
  );
  return html`<div class="run-page">
<h1>Run on ${breakable(run.platform)}</h1>
${factList(facts)}
${verdictLine(page)}${sharedNote(statuses)}
<p class="muted">Each metric against its baseline (the regression threshold is ${formatPercent(usualThreshold ?? 0)} unless marked)${compared && `, and beside ${compared.relation === 'parent commit' ? 'the run of its parent commit' : 'the previous run'} on this platform`}.</p>
${changes.length > 0 && html`<section aria-labelledby="change-points"><h2 id="change-points">A new level starts here</h2><ul>${changeItems}</ul></section>`}
<div class="scroll"><table class="stack">${heads}<tbody>
${rows}${removed.text && html`\n${removed}`}
</tbody></table></div>${groups.text && html`\n${groups}`}
</div>`.text;
}

/**
 * An older run of a long history: its facts (but the explorer link, a fifth of the page), and each
 * metric's value and status against its baseline then, in rows a fifth the size of a full page's (no end
 * tags, no links per metric).
 */
function compactBody(page: RunPage, links: RunLinks, facts: Facts): Html {
  // A row group per suite, headed by its name once rather than before each metric: at 100,000 runs the
  // repeated names were 30 MB of a site that GitHub Pages publishes only up to 1 GB.
  const groups: Html[] = [];
  let suite: string | undefined;
  let rows: Html[] = [];
  const closeGroup = () => {
    if (suite !== undefined) groups.push(html`<tbody><tr><th colspan=3 scope=rowgroup>${suite}\n${joinLines(rows)}</tbody>`);
  };
  for (const status of page.statuses) {
    if (status.suite !== suite) {
      closeGroup();
      suite = status.suite;
      rows = [];
    }
    const change = formatChange(status.change);
    const verdict =
      status.status === 'unchanged'
        ? change
        : html`<span class="badge ${status.status}">${STATUS_LABELS[status.status]}</span>${status.change !== null && ` ${change}`}`;
    // The value column is right-aligned by its position (site.css): a class on every row would cost 70 MB at 100,000 runs.
    rows.push(html`<tr><td>${status.metric}<td>${formatValue(status.current, status.unit)}<td>${verdict}`);
  }
  closeGroup();
  return html`<div class="run-page">
<h1>Run on ${breakable(page.run.platform)}</h1>
${factList(facts.filter(([term]) => term !== 'query'))}
${verdictLine(page)}${sharedNote(page.statuses)}
<p class="muted">An older run, shown compactly: values and changes against the baselines of the time; <a href="${links.platform(page.run.platform)}">its platform's charts</a> show every run.</p>
<div class="scroll"><table class="compact"><thead><tr><th scope="col">metric</th><th scope="col" class="number">this run</th><th scope="col">change</th></tr></thead>
${joinLines(groups)}
</table></div>
</div>`;
}
