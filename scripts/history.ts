/**
 * npm run history -- restore [--dir .perf-history] [--branch perf-history] [--remote origin] [--require-existing]
 * npm run history -- push --message "..." [same options]
 * npm run history -- hand-over --to DIR     copy what changed in the history (new records, baselines.json) to DIR
 * npm run history -- take-over --from DIR   copy a hand-over into a restored history
 *
 * PERFSITE_GIT_TOKEN, when set, authenticates the commands that talk to the remote, and only them.
 * Keeps the history on a branch of the project's repository between CI runs (see src/lib/store/history-branch.ts).
 */
import { parseArgs } from 'node:util';
import { EXIT, runCli } from '../src/lib/cli.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { DEFAULT_HISTORY_BRANCH, handOverChanges, pushHistory, restoreHistory, takeOverChanges } from '../src/lib/store/history-branch.ts';
import { UsageError } from '../src/lib/store/run-context.ts';

await runCli(async () => {
  const { values, positionals } = parseArgs({
    options: {
      dir: { type: 'string', default: '.perf-history' },
      branch: { type: 'string', default: DEFAULT_HISTORY_BRANCH },
      remote: { type: 'string', default: 'origin' },
      message: { type: 'string' },
      'require-existing': { type: 'boolean', default: false },
      to: { type: 'string' },
      from: { type: 'string' },
    },
    allowPositionals: true,
  });
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
    console.log(`history in ${values.dir}: point PERFORMANCE_DB_PATH at it, then \`npm run compact\` rebuilds its index`);
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
    const files = await takeOverChanges(values.from, values.dir);
    console.log(`took over ${plural(files.length, 'file')} into ${values.dir}`);
    return EXIT.ok;
  }
  throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}: use restore, push, hand-over or take-over`);
});
