/** npm run triage -- EVENT accepted|invalid|fixed [--note "…"]: record what was decided about a regression event, in data/triage.json. */

import { historyEvents, type RegressionEvent } from '../src/lib/analysis/regression-events.ts';
import { historyChanges } from '../src/lib/analysis/series-changes.ts';
import {
  loadTriage,
  TRIAGE_BY_MAX,
  TRIAGE_NOTE_MAX,
  TRIAGE_STATES,
  type TriageState,
  triageFile,
  worseSeries,
  writeTriage,
} from '../src/lib/analysis/triage-file.ts';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { commandHint } from '../src/lib/shared/command-hint.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { resolveDataDir } from '../src/lib/store/paths.ts';
import { cleanMessage, describeTextFixes, newTextFixes } from '../src/lib/store/record-text.ts';

export const command = defineCommand({
  usage: 'npm run triage -- EVENT accepted|invalid|fixed [--note "why"] [--data DIR]',
  about: `Records a decision about a regression event (its id as npm run regressions and the site list it) in
data/triage.json, next to baselines.json: commit it, and the nightly workflow keeps it on the history branch.
A triaged event is no longer open: pages, the feed, issues and check show the decision instead.`,
  options: {
    note: { type: 'string', value: 'TEXT', default: '', description: 'why: shown with the decision' },
    data: DATA_OPTION,
  },
  positionals: {
    EVENT: 'the event id (e-<commit>-r, as regressions lists it)',
    accepted: 'the new level is the new normal (a deliberate trade-off)',
    invalid: 'not a real change (noise, a runner, a broken benchmark)',
    fixed: 'a later change brought it back',
  },
  async run({ values, positionals }) {
    const [eventId, state, ...extra] = positionals;
    if (!eventId || !state || extra.length > 0)
      throw new UsageError(`give an event and a decision: ${commandHint('triage', 'e-<commit>-r accepted|invalid|fixed')}`);
    if (!(TRIAGE_STATES as readonly string[]).includes(state))
      throw new UsageError(`the decision must be one of ${TRIAGE_STATES.join(', ')}`);
    const dataDir = resolveDataDir(values.data);
    const triage = await loadTriage(dataDir);
    const history = await openHistory(dataDir);
    let known: RegressionEvent | undefined;
    try {
      const settings = await loadSettings(dataDir);
      known = (await historyEvents(history, await historyChanges(history, settings.config.defaultBranch), settings)).events.find(
        (event) => event.id === eventId,
      );
    } finally {
      history.close();
    }
    if (!known)
      throw new UsageError(`no event ${JSON.stringify(eventId)} in the history: \`${commandHint('regressions', '--all')}\` lists them`);
    // A note is kept as a commit message is: control characters shown as U+FFFD, its length bounded, and said so.
    const fixes = newTextFixes();
    const note = cleanMessage(values.note, 'note', fixes, TRIAGE_NOTE_MAX);
    const by = process.env.GITHUB_ACTOR ?? process.env.USER ?? null;
    await writeTriage(dataDir, triage, eventId, {
      state: state as TriageState,
      note,
      at: new Date().toISOString(),
      by: by === null ? null : cleanMessage(by, 'name', fixes, TRIAGE_BY_MAX),
      range: { from: known.fromTime, to: known.toTime, series: worseSeries(known) },
    });
    for (const line of describeTextFixes(fixes)) console.log(`note: ${line} (the decision was kept)`);
    console.log(`${eventId}: ${state}${note ? ` (${note})` : ''}, in ${triageFile(dataDir)}: commit it to keep it.`);
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
