/** The regression events as an Atom feed. An entry's id is its event's, which the growing history keeps, so rebuilding never duplicates one. */
import type { APIRoute } from 'astro';
import { eventHeadline } from '../lib/analysis/regression-events.ts';
import { escapeXml } from '../lib/shared/escape.ts';
import { CAUSE_LABELS } from '../lib/shared/event-cause.ts';
import { formatChange, formatValue } from '../lib/shared/format.ts';
import { loadSiteModel } from '../lib/site/site-model.ts';

export const GET: APIRoute = async () => {
  const model = await loadSiteModel();
  // The site's address is the build's (PERFSITE_SITE), not the compiled site's.
  const base = new URL(import.meta.env.BASE_URL, process.env.PERFSITE_SITE || 'http://localhost/');
  const absolute = (path: string) => new URL(path.replace(/^\//, ''), base).href;
  // One entry per event, the regressions and mixed ones, newest first: an event keeps its id as the history grows.
  const events = model.events
    .filter((event) => event.regression)
    .sort((a, b) => b.toTime.localeCompare(a.toTime))
    .slice(0, 100);
  const entries = events.map((event) => {
    const lines = event.series
      .slice(0, 10)
      .map(
        (change) =>
          `${change.platform} ${change.suite} / ${change.metric}: ${formatValue(change.meanBefore, change.unit)} to ${formatValue(change.meanAfter, change.unit)} (${formatChange(change.change)})`,
      );
    const more = event.series.length > 10 ? ` … and ${event.series.length - 10} more.` : '';
    const cause = ` Cause: ${CAUSE_LABELS[event.cause.kind]}. ${event.cause.evidence}.`;
    return `  <entry>
    <id>urn:perfsite:event:${escapeXml(event.id)}</id>
    <title>${escapeXml(`[${event.triage?.state ?? event.state}] ${eventHeadline(event)}`)}</title>
    <updated>${event.toTime}</updated>
    <link rel="alternate" href="${escapeXml(absolute(`/events/${event.id}/`))}"/>
    <summary>${escapeXml(`${lines.join('; ')}.${more}${cause}`)}</summary>
  </entry>`;
  });
  const updated = events[0]?.toTime ?? model.stats.lastRun ?? '1970-01-01T00:00:00.000Z';
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
