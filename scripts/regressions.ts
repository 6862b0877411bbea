/** npm run regressions: the regression events of the history, open ones first, as the site's regressions page lists them. */

import { styleText } from 'node:util';
import { describeCulprit, loadCulprits } from '../src/lib/analysis/culprits-file.ts';
import { eventHeadline, historyEvents, isOpenRegression, type RegressionEvent } from '../src/lib/analysis/regression-events.ts';
import { historyChanges } from '../src/lib/analysis/series-changes.ts';
import { describeTriage, loadTriage } from '../src/lib/analysis/triage-file.ts';
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { EXIT } from '../src/lib/shared/errors.ts';
import { CAUSE_LABELS } from '../src/lib/shared/event-cause.ts';
import { formatChange, formatValue } from '../src/lib/shared/format.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { shortCommit } from '../src/lib/shared/short-commit.ts';
import { formatMinute } from '../src/lib/shared/timestamps.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { resolveDataDir } from '../src/lib/store/paths.ts';

function printEvent(event: RegressionEvent): void {
  const style = isOpenRegression(event) ? 'red' : event.direction === 'improvement' ? 'green' : 'yellow';
  const state = event.triage ? event.triage.state : event.state;
  console.log(`${styleText(style, `[${state}]`)} ${event.id}  ${eventHeadline(event)}`);
  if (event.triage) console.log(`  triaged ${describeTriage(event.triage)}`);
  if (event.culprit) console.log(`  culprit ${event.culprit.commit} ${event.culprit.subject}, ${describeCulprit(event.culprit)}`);
  if (event.bisectWithoutCulprit) console.log(`  ${describeCulprit(event.bisectWithoutCulprit)}`);
  console.log(
    `  ${formatMinute(event.fromTime)} → ${formatMinute(event.toTime)}${event.fromCommit ? `, after ${shortCommit(event.fromCommit)}` : ''}`,
  );
  console.log(
    `  ${styleText(event.cause.kind === 'code' ? 'dim' : 'yellow', `cause: ${CAUSE_LABELS[event.cause.kind]}.`)} ${event.cause.evidence}`,
  );
  for (const change of event.series.slice(0, 5)) {
    console.log(
      `  ${change.platform}  ${change.suite}/${change.metric}  ${formatValue(change.meanBefore, change.unit)} → ${formatValue(change.meanAfter, change.unit)}  ${formatChange(change.change)}${change.recoveredAt ? '  (recovered)' : ''}`,
    );
  }
  if (event.series.length > 5) console.log(`  … and ${event.series.length - 5} more series`);
}

export const command = defineCommand({
  usage: 'npm run regressions [-- options]',
  about: `The regression events of the history: where the level of one or more series moved and stayed moved,
grouped by the commit range it happened in, across metrics and platforms. Open regressions, worst
first, by default.`,
  options: {
    all: {
      type: 'boolean',
      default: false,
      description: 'every event (open, recovered, improvements), open regressions first, then newest first',
    },
    json: { type: 'boolean', default: false, description: 'the events as JSON, for programs' },
    data: DATA_OPTION,
  },
  async run({ values }) {
    const dataDir = resolveDataDir(values.data);
    const history = await openHistory(dataDir, { checkIndexedRecords: true });
    let events: RegressionEvent[];
    try {
      const settings = await loadSettings(dataDir);
      const changes = await historyChanges(history, settings.config.defaultBranch);
      events = (await historyEvents(history, changes, settings, await loadTriage(dataDir), await loadCulprits(dataDir))).events;
    } finally {
      history.close();
    }
    printProblems(history.problems);
    const shown = values.all ? events : events.filter(isOpenRegression);
    if (values.json) {
      console.log(JSON.stringify(shown, null, 2));
      return EXIT.ok;
    }
    if (shown.length === 0) {
      console.log(
        values.all ? 'No change points in the history.' : `No open regressions (${events.length} events in all: --all lists them).`,
      );
      return EXIT.ok;
    }
    for (const event of shown) printEvent(event);
    const open = events.filter(isOpenRegression).length;
    console.log(`\n${plural(open, 'open regression')}, ${plural(events.length, 'event')} in all.`);
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
