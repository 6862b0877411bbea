/**
 * Everything a new run record needs besides its metrics: id, time, platform and commit,
 * with the seed's environment variables and their command-line flags (the flag wins).
 */

import { UsageError } from '../shared/errors.ts';
import { readGitInfo } from './git.ts';
import { assertPlatformId, detectPlatform, type Platform } from './platform.ts';
import { type GitInfo, type MetricInput, type Mode, modes, type RunRecordInput, type RunType, runTypes, SCHEMA_VERSION } from './record.ts';
import { newRunId } from './store.ts';

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${what} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
}

export function resolveMode(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Mode {
  if (flag) return oneOf(flag, modes, '--mode');
  if (env.BENCHMARK_MODE) return oneOf(env.BENCHMARK_MODE, modes, 'BENCHMARK_MODE');
  return 'standard';
}

export function resolveRunType(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): RunType {
  if (flag) return oneOf(flag, runTypes, '--run-type');
  if (env.PERFORMANCE_RUN_TYPE) return oneOf(env.PERFORMANCE_RUN_TYPE, runTypes, 'PERFORMANCE_RUN_TYPE');
  return 'manual';
}

export interface RunContext {
  platform: Platform;
  git: GitInfo | null;
  warnings: string[];
}

export async function detectRunContext(
  options: { platformFlag?: string | undefined; dataDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunContext> {
  const env = options.env ?? process.env;
  if (options.platformFlag !== undefined) assertPlatformId(options.platformFlag, '--platform');
  const platform = await detectPlatform(options.platformFlag ? { ...env, PERFORMANCE_PLATFORM: options.platformFlag } : env);
  const { git, warnings } = await readGitInfo({ env, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  return { platform, git, warnings };
}

export function buildRunRecord(
  context: RunContext,
  run: { runType: RunType; mode: Mode; metrics: MetricInput[]; date?: Date },
): RunRecordInput {
  const date = run.date ?? new Date();
  return {
    schemaVersion: SCHEMA_VERSION,
    id: newRunId(date),
    timestamp: date.toISOString(),
    platform: context.platform,
    git: context.git,
    runType: run.runType,
    mode: run.mode,
    metrics: run.metrics,
  };
}
