/** Shared test plumbing: scratch folders, a valid record to vary, and running the project's own scripts. */

import { execFile, execFileSync } from 'node:child_process';
import { Console } from 'node:console';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type SimpleGit, simpleGit } from 'simple-git';
import { afterEach } from 'vitest';
import type { Command } from '../src/lib/cli.ts';
import type { RunRecordInput } from '../src/lib/store/record.ts';
import { newRunId } from '../src/lib/store/store.ts';

/** Text a stranger's pull request could put in a branch, message, platform or metric name. */
export const HOSTILE_TEXT = `<img src=x onerror=alert(1)> <script>alert(2)</script> "><svg onload=alert(3)> ' | ] ( **bold** \`rm -rf\` \${{ github.token }}`;

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const scratch: string[] = [];
afterEach(async () => {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * A fresh folder for a site build, inside the project: Astro stages a build whose output lies outside
 * the working directory in the shared ./.astro/.prerender/, so two such builds at once (test files run in
 * parallel) would overwrite each other's chunks. The caller removes it.
 */
export async function siteBuildDir(): Promise<string> {
  const parent = path.join(process.cwd(), '.site-builds');
  await mkdir(parent, { recursive: true });
  return mkdtemp(path.join(parent, 'dist-'));
}

/** A fresh folder removed after the test. */
export async function tempDir(prefix = 'perfsite-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

export function makeRecord(overrides: Partial<RunRecordInput> = {}, date = new Date()): RunRecordInput {
  return {
    schemaVersion: 1,
    id: newRunId(date),
    timestamp: date.toISOString(),
    platform: {
      id: 'Test_Linux_x86_64_2C_8GB',
      details: {
        os: 'linux',
        arch: 'x64',
        cpu: 'Test CPU',
        cores: 2,
        memoryGb: 8,
        gpus: [],
        runtime: { node: process.versions.node },
        ci: null,
      },
    },
    git: { commit: 'a'.repeat(40), branch: 'main', dirty: false, message: 'test commit', commitTime: date.toISOString(), shallow: false },
    runType: 'manual',
    mode: 'quick',
    metrics: [
      { suite: 'demo', name: 'latency', value: 0.5, unit: 's', direction: 'lower', samples: [0.4, 0.5, 0.6] },
      { suite: 'demo', name: 'throughput', value: 1200, unit: 'items/s', direction: 'higher', samples: [1100, 1200, 1250.5] },
    ],
    ...overrides,
  };
}

export interface Completed {
  code: number;
  stdout: string;
  stderr: string;
}

/** Vitest mirrors import.meta.env into process.env; a child Astro build would take these as its own. */
const VITEST_ENV = ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'NODE_ENV'];

export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  for (const name of VITEST_ENV) delete env[name];
  // Under VITEST, `astro dev` serves no pages at all ("Cannot GET" for every route).
  for (const name of Object.keys(env)) if (name === 'TEST' || name.startsWith('VITEST')) delete env[name];
  return env;
}

/** Runs a TypeScript entry point of the project with the Node that npm scripts use. */
export function runScript(
  script: string,
  args: readonly string[] = [],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Completed> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, script), ...args],
      { cwd: options.cwd ?? PROJECT_ROOT, env: childEnv(options.env), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * Runs a command of the project in this process (its exported `command`'s main), as runScript would run it in a
 * child: same arguments, working folder and environment, same exit code and output. Many times faster, as
 * nothing is loaded twice; tests of what only a process does (its terminal guard, a crash) use runScript.
 */
export async function runCommand(
  script: string,
  args: readonly string[] = [],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Completed> {
  const { command } = (await import(path.join(PROJECT_ROOT, script))) as { command: Command };
  const saved = { ...process.env };
  const cwd = process.cwd();
  const output = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _encoding, done) {
        output[stream] += String(chunk);
        done();
      },
    });
  const streams = { stdout: capture('stdout'), stderr: capture('stderr') };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const console = globalThis.console;
  try {
    Object.assign(process.env, { NO_COLOR: '1' }, options.env);
    for (const [name, value] of Object.entries(options.env ?? {})) if (value === undefined) delete process.env[name];
    process.chdir(options.cwd ?? PROJECT_ROOT);
    process.stdout.write = streams.stdout.write.bind(streams.stdout) as typeof process.stdout.write;
    process.stderr.write = streams.stderr.write.bind(streams.stderr) as typeof process.stderr.write;
    globalThis.console = new Console(streams.stdout, streams.stderr);
    const code = await command.main(args);
    return { code, ...output };
  } finally {
    globalThis.console = console;
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    process.chdir(cwd);
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

/**
 * The id of the regression event whose first run after the change is `runId`, where every run has the same
 * commit (makeRecord's): the run's time stands in for a commit (stableEventIds).
 */
export function eventIdAtRun(runId: string, direction: 'r' | 'i' = 'r'): string {
  return `e-${runId.split('-')[0]}-${direction}`;
}

/** A bare repository standing in for GitHub, and a clone of it holding one commit of a project, pushed to main. */
export async function projectWithRemote(readme = 'the project\n'): Promise<{ remote: string; repo: string; git: SimpleGit }> {
  const remote = await tempDir('perfsite-remote-');
  await simpleGit({ baseDir: remote }).init(true, ['--initial-branch=main']);
  const repo = path.join(await tempDir('perfsite-clone-'), 'project');
  await simpleGit().clone(remote, repo);
  const git = simpleGit({ baseDir: repo });
  await git.addConfig('user.name', 'Test').addConfig('user.email', 'test@example.invalid').addConfig('commit.gpgsign', 'false');
  await writeFile(path.join(repo, 'README.md'), readme);
  await git.add('README.md').commit('the project');
  await git.push('origin', 'main');
  return { remote, repo, git };
}

/**
 * Whether hyperfine is installed here. With PERFSITE_REQUIRE_TOOLS (set by .ci/run) a missing one is an error;
 * without, the tests that need it skip and say so.
 */
export function hyperfineHere(skipping: string): boolean {
  try {
    execFileSync('hyperfine', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.PERFSITE_REQUIRE_TOOLS) throw new Error('hyperfine is missing: .ci/run installs it (apt-get install hyperfine)');
    console.warn(`hyperfine not found: skipping ${skipping} (apt-get install hyperfine).`);
    return false;
  }
}

/**
 * What github-action-benchmark left on a repository's gh-pages: three nights of one benchmark (hyperfine's
 * name for `sleep "$DELAY"`), as its data.js holds them, before perfsite took over.
 */
export function githubActionBenchmarkNights(): Array<Record<string, unknown>> {
  const day = (n: number) => Date.parse('2026-11-01T03:00:00Z') + n * 86_400_000;
  return [0.0205, 0.021, 0.0215].map((value, n) => ({
    commit: {
      id: `${n + 1}`.repeat(40),
      message: `night ${n + 1}`,
      timestamp: new Date(day(n)).toISOString(),
      url: 'https://example.invalid',
    },
    date: day(n),
    tool: 'customSmallerIsBetter',
    benches: [{ name: 'sleep "$DELAY"', value, unit: 's' }],
  }));
}

/** A port nothing listens on now, on 127.0.0.1, for a server a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `count` metrics of a JSON report, each 100 % slower than its baseline: what a report of many regressions holds. */
export function regressedMetrics(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, index) => ({
    platform: 'P1',
    suite: 'demo',
    metric: `m${index}`,
    unit: 's',
    current: 2,
    baseline: 1,
    change: 1,
    status: 'regression',
  }));
}
