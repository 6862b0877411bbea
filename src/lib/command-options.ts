/** The options many commands share, described once: each command's --help and the README's command reference show these words. */
import type { OptionSpec } from './cli.ts';
import { UsageError } from './shared/errors.ts';

export const DATA_OPTION = {
  type: 'string',
  value: 'DIR',
  description: 'the history folder (env PERFORMANCE_DB_PATH; default ./data)',
} as const satisfies OptionSpec;

export const THRESHOLD_OPTION = {
  type: 'string',
  value: 'T',
  description: 'default relative threshold, 0.2 = 20 % (env REGRESSION_THRESHOLD)',
} as const satisfies OptionSpec;

export const BRANCH_OPTION = {
  type: 'string',
  value: 'NAME',
  description: 'the branch whose runs form rolling baselines (default: perfsite.config.json, else main)',
} as const satisfies OptionSpec;

export const RUN_TYPE_OPTION = {
  type: 'string',
  value: 'T',
  description: 'ci, nightly, manual, pr, bisect or backfill (default manual)',
} as const satisfies OptionSpec;

/** How check and report choose the run they judge and the settings they judge it by. */
export const RUN_SELECTION_OPTIONS = {
  platform: { type: 'string', value: 'ID[,ID]', description: 'only these platforms; with --run latest, the latest run of this platform' },
  run: { type: 'string', value: 'ID|latest', description: 'judge one run (latest: the newest run of any branch)' },
  record: { type: 'string', value: 'FILE', description: "judge a run record file instead (e.g. a pull request's run)" },
  threshold: THRESHOLD_OPTION,
  branch: BRANCH_OPTION,
  data: DATA_OPTION,
} as const satisfies Record<string, OptionSpec>;

/** Where a server of the site listens (`preview`, `dev`). */
export const SERVER_OPTIONS = {
  port: { type: 'string', value: 'N', default: '4321', description: 'the port (default 4321)' },
  host: { type: 'string', value: 'HOST', default: '127.0.0.1', description: 'the address to listen on (default 127.0.0.1)' },
} as const satisfies Record<string, OptionSpec>;

export function portOption(given: string): number {
  const port = Number(given);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port must be a port number; got ${JSON.stringify(given)}`);
  return port;
}
