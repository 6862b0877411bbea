/**
 * perfsite as another repository adopts it: the project is packed (`npm pack`) and installed into a fresh git
 * repository that holds no perfsite files. There its `perfsite` command imports a real hyperfine result, gates
 * it and builds the site; and `perfsite init` writes the workflows, whose jobs then run here step by step
 * (tests/workflow-rehearsal.ts), perfsite's composite actions included, against a bare repository standing
 * in for GitHub and a stand-in for its API.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/chromium.ts';
import { actionFromLockfile } from '../../src/lib/github/init-project.ts';
import { REPORT_MARKER } from '../../src/lib/github/pr-comment.ts';
import { bisectRepository } from '../fixtures/bisect-repo.ts';
import { startFakeGitHub } from '../github-api-fake.ts';
import {
  childEnv,
  freePort,
  githubActionBenchmarkNights,
  hyperfineHere,
  PROJECT_ROOT,
  projectWithRemote,
  runScript,
  tempDir,
} from '../helpers.ts';
import { type Rehearsal, rehearseJob } from '../workflow-rehearsal.ts';
import { chromiumHere } from './browser/built-site.ts';

const run = promisify(execFile);
const hyperfine = hyperfineHere('the installed-package tests');
const COMMIT = 'c0ffee'.padEnd(40, '0');
const ACTION = `acme/perfsite@${COMMIT}`;

interface Installed {
  /** What GitHub downloads for `uses: acme/perfsite@…`: the package's files, which its set-up step installs beside. */
  actionDir: string;
  /**
   * A job's environment as a runner gives it: the job's own `node` first on PATH, too old for perfsite (a
   * stand-in that fails as Node 20 would), and Node 24 in the runner's tool cache; actions/cache's store.
   */
  runner: { env: NodeJS.ProcessEnv; cacheDir: string };
  /** The user's repository, with perfsite installed from the tarball and origin a bare repository. */
  repo: string;
  remote: string;
  perfsite(command: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

let installed: Installed;
/** Every file of the installed package with its size and time, to show that nothing perfsite does writes there. */
let packageFiles: Map<string, string>;

async function filesWithTimes(dir: string): Promise<Map<string, string>> {
  const names = await readdir(dir, { recursive: true });
  const entries = await Promise.all(
    names.map(async (name) => {
      const info = await lstat(path.join(dir, name));
      return [name, `${info.size} ${info.mtimeMs}`] as const;
    }),
  );
  return new Map(entries);
}
/** The installation outlives each test (tempDir's folders do not): removed after the file. */
let scratch: string | undefined;
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

beforeAll(async () => {
  if (!hyperfine) return;
  scratch = await mkdtemp(path.join(tmpdir(), 'perfsite-installed-'));
  const packed = path.join(scratch, 'packed');
  await mkdir(packed);
  const { stdout: tarball } = await run('npm', ['pack', '--silent', '--pack-destination', packed], { cwd: PROJECT_ROOT });
  const remote = path.join(scratch, 'remote.git');
  await simpleGit().init(true, [remote, '--initial-branch=main']);
  const repo = path.join(scratch, 'project');
  await simpleGit().clone(remote, repo);
  const git = simpleGit({ baseDir: repo });
  await git.addConfig('user.name', 'Test').addConfig('user.email', 'test@example.invalid').addConfig('commit.gpgsign', 'false');
  await writeFile(path.join(repo, 'README.md'), 'a project with no perfsite files\n');
  // As a new user starts: npm 11 writes "type": "commonjs", under which a suite's .ts file would not load.
  await run('npm', ['init', '-y'], { cwd: repo });
  await writeFile(path.join(repo, '.gitignore'), 'node_modules/\n');
  // From npm's cache, as `npm ci` filled it; no install script of any package runs.
  await run(
    'npm',
    ['install', path.join(packed, tarball.trim()), '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
    {
      cwd: repo,
    },
  );
  await git.add(['README.md', 'package.json', 'package-lock.json', '.gitignore']).commit('perfsite installed');
  await git.push('origin', 'main');
  // The action's own set-up installs its dependencies beside its files, from npm's cache here.
  const actionDir = path.join(scratch, 'actions', 'acme', 'perfsite', COMMIT);
  await mkdir(actionDir, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(packed, tarball.trim()), '-C', actionDir, '--strip-components=1']);
  const jobBin = path.join(scratch, 'job-bin');
  await mkdir(jobBin);
  await writeFile(path.join(jobBin, 'node'), '#!/bin/sh\necho "the job\'s own Node, v20" >&2\nexit 1\n', { mode: 0o755 });
  const toolCache = path.join(scratch, 'tool-cache');
  await mkdir(path.join(toolCache, 'node', process.versions.node, process.arch, 'bin'), { recursive: true });
  await symlink(process.execPath, path.join(toolCache, 'node', process.versions.node, process.arch, 'bin', 'node'));
  const runner = {
    env: { PATH: `${jobBin}${path.delimiter}${process.env.PATH}`, RUNNER_TOOL_CACHE: toolCache, npm_config_prefer_offline: 'true' },
    cacheDir: path.join(scratch, 'actions-cache'),
  };
  packageFiles = await filesWithTimes(path.join(repo, 'node_modules', 'perfsite'));
  installed = {
    actionDir,
    runner,
    repo,
    remote,
    perfsite: (command, ...args) =>
      run(process.execPath, [path.join(repo, 'node_modules', 'perfsite', 'bin', 'perfsite.mjs'), command, ...args], {
        cwd: repo,
        env: childEnv({ PERFORMANCE_PLATFORM: 'user-machine' }),
      }).then(
        (done) => ({ code: 0, ...done }),
        (failed: { code: number; stdout: string; stderr: string }) => failed,
      ),
  };
}, 600_000);

interface StartedServer {
  origin: string;
  /** What it printed so far. */
  output(): string;
  /** SIGTERM to its process group: everything it started. */
  stop(): void;
  /** SIGTERM to perfsite alone, as a process manager sends it; resolves when it has exited. */
  terminate(): Promise<void>;
}

/** `perfsite preview` or `perfsite dev` in a project, resolved once it says where it listens. */
async function startServer(project: string, command: 'preview' | 'dev'): Promise<StartedServer> {
  const port = await freePort();
  // The command npx and npm scripts run, started directly: SIGTERM to npm does not reach what it started.
  const server = spawn(path.join(project, 'node_modules', '.bin', 'perfsite'), [command, '--port', String(port), '--host', '127.0.0.1'], {
    cwd: project,
    env: childEnv({ ASTRO_TELEMETRY_DISABLED: '1' }),
    detached: true,
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const stop = () => {
    if (server.pid && server.exitCode === null && server.signalCode === null) process.kill(-server.pid, 'SIGTERM');
  };
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`:${port}/`)) resolve();
    };
    server.stdout?.on('data', listen);
    server.stderr?.on('data', listen);
    server.once('exit', (code) => reject(new Error(`perfsite ${command} exited with ${code}:\n${output}`)));
  }).catch((error: unknown) => {
    stop();
    throw error;
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    output: () => output,
    stop,
    terminate: async () => {
      if (server.pid) process.kill(server.pid, 'SIGTERM');
      await exited;
    },
  };
}

describe('the installed package', () => {
  it.skipIf(!hyperfine)('imports, gates and builds in another repository, with nothing of perfsite in it but node_modules', async () => {
    const { repo, perfsite } = installed;
    const bench = (delay: string) =>
      execFileSync('hyperfine', ['--runs', '10', '--export-json', 'bench.json', 'sleep "$DELAY"'], {
        cwd: repo,
        stdio: 'ignore',
        env: { ...process.env, DELAY: delay },
      });

    bench('0.02');
    const imported = await perfsite('import', '--format', 'auto', 'bench.json');
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('bench.json: read as hyperfine');
    expect((await perfsite('check')).code).toBe(0);

    bench('0.2');
    expect((await perfsite('import', '--format', 'hyperfine', 'bench.json')).code).toBe(0);
    const gate = await perfsite('check');
    expect(gate.code, gate.stdout).toBe(1);
    expect(gate.stdout).toMatch(/regression/);

    const built = await perfsite('build');
    expect(built.code, built.stderr).toBe(0);
    expect(await readdir(path.join(repo, 'dist', 'runs'))).toHaveLength(2);
    // The project holds its history and its site, and nothing else of perfsite's.
    expect((await readdir(repo)).sort()).toEqual([
      '.git',
      '.gitignore',
      'README.md',
      'bench.json',
      'data',
      'dist',
      'node_modules',
      'package-lock.json',
      'package.json',
    ]);
  });

  it.skipIf(!hyperfine)('bisects a fresh repository with the installed package: the commit of a 10 % step among 32', async () => {
    const { dir, shas } = await bisectRepository(32, 21);
    const json = path.join(dir, '..', `${path.basename(dir)}-bisect.json`);
    const bisected = await run(
      process.execPath,
      [
        path.join(installed.repo, 'node_modules', 'perfsite', 'bin', 'perfsite.mjs'),
        'bisect',
        '--good',
        shas[0] as string,
        '--bad',
        shas[32] as string,
        '--json',
        json,
        '--tool',
        'customSmallerIsBetter',
        '--output-file-path',
        'out.json',
        '--',
        process.execPath,
        'bench.mjs',
      ],
      { cwd: dir, env: childEnv({ BISECT_SEED: '4', BISECT_COUNTER: path.join(dir, '..', `${path.basename(dir)}-count`) }) },
    );
    expect(bisected.stdout).toContain(`culprit ${shas[21]} change 21`);
    const result = JSON.parse(await readFile(json, 'utf8')) as { rounds: number; culprits: Array<{ commit: string }> };
    expect(result.culprits.map((culprit) => culprit.commit)).toEqual([shas[21]]);
    expect(result.rounds).toBeLessThanOrEqual(Math.ceil(Math.log2(32)) + 2);
    expect(await filesWithTimes(path.join(installed.repo, 'node_modules', 'perfsite'))).toEqual(packageFiles);
  });

  it('finds the action to pin where npm installed perfsite from GitHub', () => {
    const lock = (resolved: string) => ({ packages: { 'node_modules/perfsite': { resolved } } });
    expect(actionFromLockfile(lock(`git+ssh://git@github.com/acme/perfsite.git#${COMMIT}`))).toBe(ACTION);
    expect(actionFromLockfile(lock(`git+https://github.com/acme/perfsite.git#${COMMIT}`))).toBe(ACTION);
    expect(actionFromLockfile(lock('file:../perfsite-0.1.0.tgz'))).toBeUndefined();
    expect(actionFromLockfile(lock('git+ssh://git@github.com/acme/perfsite.git#main'))).toBeUndefined();
    expect(actionFromLockfile({})).toBeUndefined();
  });

  it.skipIf(!hyperfine)(
    "init's workflows, run step by step: migrate github-action-benchmark's history, push, gate, comment on the pull request",
    async () => {
      const { repo, remote, perfsite, actionDir } = installed;
      const git = simpleGit({ baseDir: repo });

      // Installed from a tarball, perfsite cannot know which commit of its action to pin: it says so.
      const unpinned = await perfsite('init');
      expect(unpinned.code).toBe(2);
      expect(unpinned.stderr).toMatch(/give --action OWNER\/REPO@COMMIT/);

      // Quoted so that the benchmark's name is the same whatever DELAY is: the one github-action-benchmark kept.
      const command = `hyperfine --runs 10 --export-json bench.json 'sleep "$DELAY"'`;
      // As a user types it: npx finds the installed command.
      const args = ['--action', ACTION, '--tool', 'hyperfine', '--output-file-path', 'bench.json', '--command', command];
      const init = await run('npx', ['--no-install', 'perfsite', 'init', ...args], { cwd: repo, env: childEnv() }).then(
        (done) => ({ code: 0, ...done }),
        (failed: { code: number; stdout: string; stderr: string }) => failed,
      );
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toMatch(/^added perfsite\.config\.json/m);
      expect(init.stdout).toMatch(/^added \.github\/workflows\/perfsite\.yml: runs `hyperfine/m);
      expect(init.stdout).toMatch(/^added \.github\/workflows\/perfsite-comment\.yml/m);
      const workflows = path.join(repo, '.github', 'workflows');
      const lint = await runScript('scripts/lint-workflows.ts', [
        path.join(workflows, 'perfsite.yml'),
        path.join(workflows, 'perfsite-comment.yml'),
      ]);
      expect(lint.code, lint.stderr).toBe(0);
      // Run again, it overwrites nothing, and says so.
      await writeFile(path.join(repo, 'perfsite.config.json'), '{ "threshold": 3 }\n');
      const again = await perfsite('init', '--action', ACTION);
      expect(again.stdout).toMatch(/^kept perfsite\.config\.json: it is already there/m);
      expect(again.stdout).toMatch(/^added bench\/sample\.suite\.mts/m);
      expect(await readFile(path.join(repo, 'perfsite.config.json'), 'utf8')).toBe('{ "threshold": 3 }\n');
      await git.add(['perfsite.config.json', 'bench', '.github']).commit('perfsite init');
      await git.push('origin', 'main');
      const sha = (await git.revparse(['HEAD'])).trim();

      // github-action-benchmark served this repository until now: three nights on gh-pages.
      const entries = githubActionBenchmarkNights();
      const pages = await tempDir('perfsite-gh-pages-');
      const pagesGit = simpleGit({ baseDir: pages });
      await pagesGit.init(['--initial-branch=gh-pages']);
      await pagesGit.addConfig('user.name', 'Test').addConfig('user.email', 'test@example.invalid').addConfig('commit.gpgsign', 'false');
      await mkdir(path.join(pages, 'dev', 'bench'), { recursive: true });
      await writeFile(
        path.join(pages, 'dev', 'bench', 'data.js'),
        `window.BENCHMARK_DATA = ${JSON.stringify({ entries: { Benchmark: entries } })}`,
      );
      await pagesGit.add('.').commit('github-action-benchmark');
      await pagesGit.push(remote, 'gh-pages');

      const fake = await startFakeGitHub('acme/project', 'rehearsal-token');
      fake.pulls.set(7, 'b'.repeat(40));
      const artifacts = await tempDir('perfsite-artifacts-');
      const rehearsal = async (delay: string, event: Rehearsal['event']): Promise<Rehearsal> => ({
        workspace: repo,
        runnerTemp: await tempDir('perfsite-runner-'),
        artifacts,
        actions: { [ACTION]: actionDir },
        event,
        env: childEnv({
          ...installed.runner.env,
          DELAY: delay,
          PERFORMANCE_PLATFORM: 'ubuntu-runner',
          GITHUB_REPOSITORY: 'acme/project',
          GITHUB_API_URL: fake.url,
        }),
        cacheDir: installed.runner.cacheDir,
      });
      const push = { name: 'push', payload: {}, ref: 'refs/heads/main', sha };
      const pullRequest = {
        name: 'pull_request',
        payload: { pull_request: { number: 7, head: { sha: 'b'.repeat(40) } } },
        ref: 'refs/pull/7/merge',
        sha: 'b'.repeat(40),
      };
      const workflow = path.join(workflows, 'perfsite.yml');
      const history = async () =>
        (await simpleGit({ baseDir: remote }).raw(['ls-tree', '-r', '--name-only', 'perf-history']))
          .split('\n')
          .filter((file) => /^runs\/.+\.json$/.test(file));

      try {
        // The first push: the benchmark runs, the three nights on gh-pages come along, all is pushed and published.
        const first = await rehearseJob(workflow, 'record', await rehearsal('0.02', push));
        expect(first.code, first.summary).toBe(0);
        expect(first.skipped).toContain(`actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683: the workspace is the checkout`);
        expect(first.summary).toMatch(/took github-action-benchmark's history from gh-pages:dev\/bench\/data\.js/);
        expect(first.summary).toMatch(/median of 3/);
        // The action installed DuckDB beside its files and no site toolchain: its commands come bundled.
        const actionPackages = await readdir(path.join(installed.actionDir, 'node_modules'));
        expect(actionPackages).toContain('@duckdb');
        expect(actionPackages).not.toContain('astro');
        expect(actionPackages).not.toContain('zod');
        expect(await history()).toHaveLength(4);
        expect(await readdir(path.join(artifacts, 'github-pages', 'runs'))).toHaveLength(4);
        // Its links are GitHub Pages' for the repository.
        expect(await readFile(path.join(artifacts, 'github-pages', 'index.html'), 'utf8')).toContain('href="/project/');
        expect((await rehearseJob(workflow, 'pull-request', await rehearsal('0.02', push))).ran).toBe(false);

        // A push 7 times slower (beyond 300 %, which leaves room for a 20 ms sleep taking 35 ms on a busy
        // machine): the history keeps the run, and the job fails at the gate.
        const slower = await rehearseJob(workflow, 'record', await rehearsal('0.15', push));
        expect(slower.code).toBe(1);
        expect(slower.summary).toMatch(/regression/i);
        expect(slower.summary).not.toMatch(/took github-action-benchmark's history/);
        expect(await history()).toHaveLength(5);

        // A pull request 7 times slower again (that push started a new level, its baseline): judged against
        // main, pushed nowhere, its report left for the comment workflow.
        expect((await rehearseJob(workflow, 'record', await rehearsal('1', pullRequest))).ran).toBe(false);
        const judged = await rehearseJob(workflow, 'pull-request', await rehearsal('1', pullRequest));
        expect(judged.code).toBe(1);
        expect(await history()).toHaveLength(5);
        expect(await readFile(path.join(artifacts, 'perfsite-report', 'report', 'pr-number'), 'utf8')).toBe('7\n');

        // The comment workflow posts it to pull request 7, whose head GitHub says is the run's commit.
        const workflowRun = {
          name: 'workflow_run',
          payload: {
            workflow_run: {
              id: 1,
              event: 'pull_request',
              head_sha: 'b'.repeat(40),
              head_branch: 'feature',
              head_repository: { full_name: 'acme/project' },
              pull_requests: [{ number: 7 }],
            },
          },
          ref: 'refs/heads/main',
          sha,
        };
        const comment = await rehearseJob(path.join(workflows, 'perfsite-comment.yml'), 'comment', await rehearsal('0', workflowRun));
        expect(comment.code).toBe(0);
        expect(fake.comments).toHaveLength(1);
        expect(fake.comments[0]?.issue).toBe(7);
        expect(fake.comments[0]?.body).toContain(REPORT_MARKER);
        expect(fake.comments[0]?.body).toMatch(/❌ regression/);
      } finally {
        await fake.close();
      }
    },
    900_000,
  );

  it.skipIf(!hyperfine)(
    "init's sample suite runs in the action as `perfsite bench` runs it, and the site is built",
    async () => {
      const { remote, repo, git } = await projectWithRemote('a project with no benchmarks yet\n');
      const bin = path.join(installed.repo, 'node_modules', 'perfsite', 'bin', 'perfsite.mjs');
      const init = await run(process.execPath, [bin, 'init', '--action', ACTION], { cwd: repo, env: childEnv() });
      expect(init.stdout).toMatch(/^added bench\/sample\.suite\.mts/m);
      await git.add('.').commit('perfsite init');
      await git.push('origin', 'main');
      const artifacts = await tempDir('perfsite-artifacts-');
      const pushed = await rehearseJob(path.join(repo, '.github', 'workflows', 'perfsite.yml'), 'record', {
        workspace: repo,
        runnerTemp: await tempDir('perfsite-runner-'),
        artifacts,
        actions: { [ACTION]: installed.actionDir },
        event: { name: 'push', payload: {}, ref: 'refs/heads/main', sha: (await git.revparse(['HEAD'])).trim() },
        env: childEnv({
          ...installed.runner.env,
          PERFORMANCE_PLATFORM: 'ubuntu-runner',
          GITHUB_REPOSITORY: 'acme/acme.github.io',
          BENCHMARK_MODE: 'quick',
        }),
        cacheDir: installed.runner.cacheDir,
      });
      expect(pushed.code, pushed.summary).toBe(0);
      // Markdown-escaped in the report: sample / sort\-numbers.
      expect(pushed.summary).toMatch(/sample \/ sort\\-numbers \| [\d\\.]+ ms/);
      expect(pushed.summary).toMatch(/sample \/ json\\-round\\-trip \| [\d\\.]+ ms/);
      const runs = (await simpleGit({ baseDir: remote }).raw(['ls-tree', '-r', '--name-only', 'perf-history']))
        .split('\n')
        .filter((file) => /^runs\/.+\.json$/.test(file));
      expect(runs).toHaveLength(1);
      // A user site (<owner>.github.io) is served from the root.
      expect(await readFile(path.join(artifacts, 'github-pages', 'index.html'), 'utf8')).toMatch(/href="\/platforms\/ubuntu-runner\//);
    },
    600_000,
  );

  it.skipIf(!hyperfine)(
    'takes a new user from npm init to a site: init, bench, check, build, preview with the explorer, dev; nothing written inside perfsite',
    async () => {
      const project = path.join(await tempDir('perfsite-newcomer-'), 'project');
      await mkdir(project);
      await run('npm', ['init', '-y'], { cwd: project });
      expect(JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8')).type).toBe('commonjs');
      // The installed package, as npm put it in the other project (installing it again takes half a minute).
      await symlink(path.join(installed.repo, 'node_modules'), path.join(project, 'node_modules'), 'dir');
      await simpleGit({ baseDir: project }).init();
      const npx = (...args: string[]) =>
        run('npx', ['--no-install', 'perfsite', ...args], { cwd: project, env: childEnv() }).then(
          (done) => ({ code: 0, ...done }),
          (failed: { code: number; stdout: string; stderr: string }) => failed,
        );

      const init = await npx('init', '--action', ACTION);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toMatch(/^added bench\/sample\.suite\.mts/m);
      expect(init.stdout).toMatch(/^note: the default branch is taken to be \S+ \(this repository has no remote to ask/m);
      expect(await readFile(path.join(project, '.gitignore'), 'utf8')).toBe('/data/\n/dist/\n');

      const bench = await npx('bench', '--mode', 'quick');
      expect(bench.code, bench.stderr).toBe(0);
      expect(bench.stdout).toMatch(/^Recorded run \S+ /m);
      const check = await npx('check');
      expect(check.code, check.stderr).toBe(0);
      expect(check.stdout).toContain('No baseline to compare with');
      const build = await npx('build');
      expect(build.code, build.stderr).toBe(0);
      expect(await readFile(path.join(project, 'dist', 'index.html'), 'utf8')).toContain('What 1 run can tell yet');

      // preview serves dist/ as the README says to open it, .gz files with Content-Encoding: gzip.
      const preview = await startServer(project, 'preview');
      try {
        if (chromiumHere) {
          const browser = await launchChromium();
          const page = await browser.newPage();
          await page.goto(`${preview.origin}/explore/?${new URLSearchParams({ q: 'SELECT count(*) AS measurements FROM metrics' })}`);
          await page.waitForSelector('#explorer-result tbody tr', { timeout: 60_000 });
          expect(await page.locator('#explorer-result tbody td').first().textContent()).toBe('2');
          await browser.close();
        }
      } finally {
        preview.stop();
      }
      const dev = await startServer(project, 'dev');
      try {
        const response = await fetch(`${dev.origin}/`);
        expect(response.status).toBe(200);
        expect(await response.text()).toContain('Performance overview');
        // Stopped by a SIGTERM to perfsite alone, the server stops as well, and its sites are removed.
        const site = /site written to (\S+)/.exec(dev.output())?.[1] as string;
        expect(existsSync(site)).toBe(true);
        await dev.terminate();
        await expect(fetch(`${dev.origin}/`)).rejects.toThrow();
        expect(existsSync(site)).toBe(false);
      } finally {
        dev.stop();
      }
      expect(await filesWithTimes(path.join(installed.repo, 'node_modules', 'perfsite'))).toEqual(packageFiles);
    },
    600_000,
  );
});
