/** npm run triage -- EVENT accepted|invalid|fixed [--note "…"]: record what was decided about a regression event, in data/triage.json. */

import { describeCommit, resolveCommit } from '../src/lib/analysis/commit-range.ts';
import { culpritsFile, loadCulprits, writeCulprit } from '../src/lib/analysis/culprits-file.ts';
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
  usage: [
    'npm run triage -- EVENT accepted|invalid|fixed [--note "why"] [--data DIR]',
    'npm run triage -- EVENT --culprit REV [--note "why"] [--data DIR]',
  ],
  about: `Records a decision about a regression event (its id as npm run regressions and the site list it) in
data/triage.json, next to baselines.json: commit it, and the nightly workflow keeps it on the history branch.
A triaged event is no longer open: pages, the feed, issues and check show the decision instead. With
--culprit it names the commit that made the event instead (or as well), in data/culprits.json, as
npm run bisect -- --event does when it finds one; the event stays as it is, and its headline names the culprit.`,
  options: {
    note: { type: 'string', value: 'TEXT', default: '', description: 'why: shown with the decision' },
    culprit: { type: 'string', value: 'REV', description: 'the commit that made the event (a commit of this clone)' },
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
    if (!eventId || (!state && !values.culprit) || extra.length > 0)
      throw new UsageError(
        `give an event and a decision, or its culprit: ${commandHint('triage', 'e-<commit>-r accepted|invalid|fixed')}, or e-<commit>-r --culprit REV`,
      );
    if (state && !(TRIAGE_STATES as readonly string[]).includes(state))
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
    if (values.culprit) {
      const first = known.commits[0]?.commit;
      if (!known.fromCommit || !first)
        throw new UsageError(`event ${eventId}'s runs do not say their commits: a culprit could not be matched to it`);
      const culprit = await describeCommit(process.cwd(), await resolveCommit(process.cwd(), values.culprit, 'culprit'));
      await writeCulprit(dataDir, await loadCulprits(dataDir), eventId, {
        commit: culprit.sha,
        subject: cleanMessage(culprit.subject, 'subject', fixes, 2000),
        by: 'hand',
        at: new Date().toISOString(),
        note,
        range: { good: known.fromCommit, bad: first },
        changes: [],
        runs: null,
      });
      console.log(`${eventId}: culprit ${culprit.sha} ${culprit.subject}, in ${culpritsFile(dataDir)}: commit it to keep it.`);
    }
    if (!state) {
      for (const line of describeTextFixes(fixes)) console.log(`note: ${line} (the culprit was kept)`);
      return EXIT.ok;
    }
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
