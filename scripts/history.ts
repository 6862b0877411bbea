/**
 * npm run history -- restore [--dir .perf-history] [--branch perf-history] [--remote origin] [--require-existing]
 * npm run history -- push --message "..." [same options]
 *
 * Keeps the history on a branch of the project's repository between CI runs (see src/lib/history-branch.ts).
 */
import { parseArgs } from 'node:util';
import { EXIT, runCli } from '../src/lib/cli.ts';
import { DEFAULT_HISTORY_BRANCH, pushHistory, restoreHistory } from '../src/lib/history-branch.ts';
import { UsageError } from '../src/lib/run-context.ts';

await runCli(async () => {
  const { values, positionals } = parseArgs({
    options: {
      dir: { type: 'string', default: '.perf-history' },
      branch: { type: 'string', default: DEFAULT_HISTORY_BRANCH },
      remote: { type: 'string', default: 'origin' },
      message: { type: 'string' },
      'require-existing': { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const options = { repo: process.cwd(), dir: values.dir, remote: values.remote, branch: values.branch, log: console.log };
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
  throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}: use restore or push`);
});
