/** The regressions as an Atom feed. Entry ids depend only on the run and the metric, so rebuilding never duplicates an entry. */
import type { APIRoute } from 'astro';
import { escapeXml } from '../lib/escape.ts';
import { formatChange, formatChangeWithInterval, formatPValue, formatValue } from '../lib/format.ts';
import { metricSlug } from '../lib/metric-slug.ts';
import { changes, loadSiteModel, runInfo } from '../lib/site-model.ts';

export const GET: APIRoute = async ({ site }) => {
  const model = await loadSiteModel();
  const regressions = (await changes(model, 100)).filter((status) => status.status === 'regression');
  const base = new URL(import.meta.env.BASE_URL, site ?? 'http://localhost/');
  const absolute = (path: string) => new URL(path.replace(/^\//, ''), base).href;
  const entries = await Promise.all(
    regressions.map(async (status) => {
      const run = await runInfo(model, status.runId);
      const title = `${status.suite} / ${status.metric} on ${status.platform}: ${formatChangeWithInterval(status.change, status.significance)}`;
      const summary = `${formatValue(status.current, status.unit)} against a baseline of ${formatValue(status.baseline, status.unit)}${run?.gitCommit ? ` at commit ${run.gitCommit.slice(0, 10)}` : ''}${run?.gitMessage ? `: ${run.gitMessage.split('\n')[0]}` : ''}`;
      return `  <entry>
    <id>urn:perfsite:regression:${escapeXml(status.platform)}:${metricSlug(status.suite, status.metric)}:${escapeXml(status.runId)}</id>
    <title>${escapeXml(title)}</title>
    <updated>${status.timestamp}</updated>
    <link rel="alternate" href="${escapeXml(absolute(`/runs/${status.runId}/`))}"/>
    <summary>${escapeXml(summary)}</summary>
  </entry>`;
    }),
  );
  const worse = model.changePoints
    .filter((change) => change.worse)
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
    .slice(0, 100);
  for (const change of worse) {
    const [before, after] = [await runInfo(model, change.previousRunId), await runInfo(model, change.runId)];
    const title = `Change point: ${change.suite} / ${change.metric} on ${change.platform}: ${formatChange(change.change)}`;
    const summary = `The mean moved from ${formatValue(change.meanBefore, change.unit)} to ${formatValue(change.meanAfter, change.unit)} (p = ${formatPValue(change.pValue)}${change.speedCorrected ? ', corrected for runner effects' : ''}) between commits ${before?.gitCommit?.slice(0, 10) ?? 'unknown'} and ${after?.gitCommit?.slice(0, 10) ?? 'unknown'}.`;
    entries.push(`  <entry>
    <id>urn:perfsite:change-point:${escapeXml(change.platform)}:${metricSlug(change.suite, change.metric)}:${escapeXml(change.runId)}</id>
    <title>${escapeXml(title)}</title>
    <updated>${change.timestamp}</updated>
    <link rel="alternate" href="${escapeXml(absolute(`/runs/${change.runId}/`))}"/>
    <summary>${escapeXml(summary)}</summary>
  </entry>`);
  }
  const updated =
    [regressions[0]?.timestamp, worse[0]?.timestamp]
      .filter((time): time is string => time !== undefined)
      .sort()
      .at(-1) ??
    model.stats.lastRun ??
    '1970-01-01T00:00:00.000Z';
  const body = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:perfsite:regressions:${escapeXml(absolute('/'))}</id>
  <title>Performance regressions</title>
  <updated>${updated}</updated>
  <link rel="self" href="${escapeXml(absolute('/regressions.xml'))}"/>
  <link rel="alternate" href="${escapeXml(absolute('/regressions/'))}"/>
${entries.join('\n')}
</feed>
`;
  return new Response(body, { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
};
