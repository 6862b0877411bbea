/** The PR comment's A/B section: head against its merge base on the same runner, every name escaped. */

import type { Mark } from '../shared/compare-judge.ts';
import { escapeMarkdown } from '../shared/escape.ts';
import { formatChangeWithInterval, formatPercent, formatValue } from '../shared/format.ts';
import { plural } from '../shared/plural.ts';
import { shortCommit } from '../shared/short-commit.ts';
import { metricSlug } from '../store/metric-slug.ts';
import type { Comparison } from './compare-runs.ts';

const MARK_ICONS: Record<Mark, string> = {
  worse: '❌ worse',
  failed: '💥 failed',
  better: '🚀 better',
  unchanged: '✅',
  noise: '〰️ likely noise',
  added: '🆕 added',
  removed: '➖ removed',
  incomparable: '⚠️ units differ',
};

export function abPassed(comparison: Comparison): boolean {
  return !comparison.metrics.some((metric) => metric.mark === 'worse' || metric.mark === 'failed');
}

export function renderAbMarkdown(comparison: Comparison, options: { rounds: number; siteUrl?: string | undefined }): string {
  const side = (label: string, runs: Comparison['a']['runs']) => {
    const first = runs[0];
    const message = first?.gitMessage?.split('\n')[0];
    return `**${label}**: \`${shortCommit(first?.gitCommit ?? '')}\`${message ? ` ${escapeMarkdown(message)}` : ''} (${plural(runs.length, 'run')})`;
  };
  const site = options.siteUrl?.replace(/\/$/, '');
  const name = (suite: string, metric: string) => {
    const text = escapeMarkdown(`${suite} / ${metric}`);
    return site ? `[${text}](${encodeURI(`${site}/metrics/${metricSlug(suite, metric)}/`)})` : text;
  };
  const lines = [
    '## ⚖️ This pull request against its merge base',
    '',
    `Both commits benchmarked on the same runner, ${plural(options.rounds, 'round')} each, in alternation (base, head, head, base, …) so that runner noise hits both alike; each side is the median of its runs. Where the runs kept samples, a change beyond its threshold must also be significant (Mann–Whitney on the pooled samples, with the 95 % interval of the change); otherwise it is likely noise.`,
    '',
    side('Base', comparison.a.runs),
    '',
    side('Head', comparison.b.runs),
    '',
    '| Metric | Platform | Base | Head | Change | Threshold | |',
    '|--------|----------|-----:|-----:|-------:|----------:|-|',
    ...comparison.metrics.map(
      (metric) =>
        `| ${name(metric.suite, metric.metric)} | \`${metric.platform}\` | ${escapeMarkdown(formatValue(metric.before, metric.unit))} | ${escapeMarkdown(formatValue(metric.after, metric.unit))} | ${escapeMarkdown(formatChangeWithInterval(metric.change, metric.significance))} | ${formatPercent(metric.threshold.value)} | ${MARK_ICONS[metric.mark]} |`,
    ),
    '',
  ];
  const count = (mark: Mark) => comparison.metrics.filter((metric) => metric.mark === mark).length;
  const worse = count('worse') + count('failed');
  lines.push(
    worse > 0
      ? `### ❌ ${plural(worse, 'metric')} worse than the merge base`
      : `### ✅ Nothing worse than the merge base${count('better') > 0 ? `; ${count('better')} better` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
