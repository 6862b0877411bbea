/**
 * npm run history -- restore [--dir .perf-history] [--branch perf-history] [--remote origin] [--require-existing]
 * npm run history -- push --message "..." [same options]
 * npm run history -- hand-over --to DIR     copy what changed in the history (new records, baselines.json) to DIR
 * npm run history -- take-over --from DIR   copy a hand-over into a restored history
 *
 * PERFSITE_GIT_TOKEN, when set, authenticates the commands that talk to the remote, and only them.
 * Keeps the history on a branch of the project's repository between CI runs (see src/lib/store/history-branch.ts).
 */
import { readFile } from 'node:fs/promises';
import { parseBaselines } from '../src/lib/analysis/baselines-file.ts';
import { parseCulprits } from '../src/lib/analysis/culprits-file.ts';
import { parseTriage } from '../src/lib/analysis/triage-file.ts';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { commandHint } from '../src/lib/shared/command-hint.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { DEFAULT_HISTORY_BRANCH, handOverChanges, pushHistory, restoreHistory, takeOverChanges } from '../src/lib/store/history-branch.ts';
import { readRecordFile } from '../src/lib/store/store.ts';

/** A handed-over file as a local write would have to be: a valid record named after its id, valid baselines, triage or culprits. */
async function checkHandedOver(file: string, fullPath: string): Promise<string | undefined> {
  const parse = { 'baselines.json': parseBaselines, 'triage.json': parseTriage, 'culprits.json': parseCulprits }[file];
  if (parse) {
    const text = await readFile(fullPath, 'utf8');
    try {
      parse(text, file);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
  const read = await readRecordFile(fullPath);
  return 'problems' in read
    ? read.problems.map((problem) => `${problem.field ? `${problem.field}: ` : ''}${problem.reason}`).join('; ')
    : undefined;
}

export const command = defineCommand({
  usage: [
    'npm run history -- restore [--dir .perf-history] [--branch perf-history] [--remote origin] [--require-existing]',
    'npm run history -- push --message "..." [same options]',
    'npm run history -- hand-over --to DIR',
    'npm run history -- take-over --from DIR',
  ],
  about: `Keeps the history on a branch of the project's repository between CI runs. restore checks it out into
--dir, push commits and pushes what changed, hand-over copies what changed (new records, baselines.json)
to another folder, take-over copies a hand-over into a restored history.`,
  options: {
    dir: {
      type: 'string',
      value: 'DIR',
      default: '.perf-history',
      description: 'where the history is checked out (default .perf-history)',
    },
    branch: {
      type: 'string',
      value: 'NAME',
      default: DEFAULT_HISTORY_BRANCH,
      description: `the history's branch (default ${DEFAULT_HISTORY_BRANCH})`,
    },
    remote: { type: 'string', value: 'NAME', default: 'origin', description: 'the remote (default origin)' },
    message: { type: 'string', value: 'TEXT', description: 'push: what the commit adds (e.g. "nightly run")' },
    'require-existing': { type: 'boolean', default: false, description: 'restore: fail when the branch does not exist yet' },
    to: { type: 'string', value: 'DIR', description: 'hand-over: where to copy the changed records' },
    from: { type: 'string', value: 'DIR', description: 'take-over: a folder written by hand-over' },
  },
  positionals: { 'restore|push|hand-over|take-over': 'what to do' },
  more: 'PERFSITE_GIT_TOKEN, when set, authenticates the commands that talk to the remote, and only them.',
  async run({ values, positionals }) {
    const options = {
      repo: process.cwd(),
      dir: values.dir,
      remote: values.remote,
      branch: values.branch,
      token: process.env.PERFSITE_GIT_TOKEN || undefined,
      log: console.log,
    };
    const [command] = positionals;
    if (command === 'restore') {
      await restoreHistory({ ...options, requireExisting: values['require-existing'] });
      console.log(`history in ${values.dir}: point PERFORMANCE_DB_PATH at it, then \`${commandHint('compact')}\` rebuilds its index`);
      return EXIT.ok;
    }
    if (command === 'push') {
      if (!values.message) throw new UsageError('--message is required: what the commit adds (e.g. "nightly run")');
      const outcome = await pushHistory({ ...options, message: values.message });
      if (outcome.dropped.length > 0) {
        console.log(`note: another run changed ${outcome.dropped.join(', ')} at the same time; its version was kept`);
      }
      return EXIT.ok;
    }
    if (command === 'hand-over') {
      if (!values.to) throw new UsageError('--to DIR is required: where to copy the changed records');
      const files = await handOverChanges(values.dir, values.to);
      console.log(`handed over ${plural(files.length, 'file')} to ${values.to}`);
      return EXIT.ok;
    }
    if (command === 'take-over') {
      if (!values.from) throw new UsageError('--from DIR is required: a folder written by hand-over');
      const files = await takeOverChanges(values.from, values.dir, checkHandedOver);
      console.log(`took over ${plural(files.length, 'file')} into ${values.dir}`);
      return EXIT.ok;
    }
    throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}: use restore, push, hand-over or take-over`);
  },
});

if (import.meta.main) await runAsProcess(command);
