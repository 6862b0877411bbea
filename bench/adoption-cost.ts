/**
 * npm run bench:adoption -- [--tarball FILE] [--rounds N]: what adopting perfsite costs a project and each of
 * its CI jobs, with the packed package (packed here unless --tarball gives one):
 * - `npm install TARBALL --omit=dev --ignore-scripts` into an `npm init -y` project: its size, its packages,
 *   and its wall time with npm's cache warm (the first round warms it and is not counted);
 * - the action's set-up as action.yml runs it: scripts/action-setup.sh (a Node found), then its dependencies
 *   installed beside the action's files, from a warm npm cache and no actions/cache hit;
 * - the site of a one-run history, built by the installed package (`perfsite build`, under GNU time for its
 *   peak memory, no build cache);
 * - the whole action on a push to a one-run history: set-up, then its step on a result hyperfine writes here
 *   (import, gate, push to the history branch of a local bare repository, the site built).
 * Prints the median of the counted rounds.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { median } from 'simple-statistics';
import { parse } from 'yaml';
import { ROOT } from './scale-histories.ts';

const run = promisify(execFile);
const { values } = parseArgs({ options: { tarball: { type: 'string' }, rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
const scratch = await mkdtemp(path.join(tmpdir(), 'perfsite-adoption-'));

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function bytesIn(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  return total;
}

async function packagesIn(modules: string): Promise<number> {
  let count = 0;
  for (const name of await readdir(modules)) {
    if (name.startsWith('.')) continue;
    count += name.startsWith('@') ? (await readdir(path.join(modules, name))).length : 1;
  }
  return count;
}

/** A step's environment on a runner whose own Node is this one. */
const nodeFirst = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };

/** action.yml's set-up steps, run as the runner runs them (no actions/cache hit). */
async function setUpAction(actionDir: string, runnerTemp: string): Promise<void> {
  const output = path.join(runnerTemp, 'setup-output');
  await writeFile(output, '');
  await run('bash', [path.join(actionDir, 'scripts', 'action-setup.sh')], { env: { ...nodeFirst, GITHUB_OUTPUT: output } });
  const setup = Object.fromEntries(
    (await readFile(output, 'utf8')).split('\n').flatMap((line) => (line.includes('=') ? [line.split(/=(.*)/s).slice(0, 2)] : [])),
  );
  const steps = (
    parse(await readFile(path.join(actionDir, 'action.yml'), 'utf8')) as { runs: { steps: Array<{ if?: string; run?: string }> } }
  ).runs.steps;
  const install = steps.find((step) => step.if?.includes('cache-hit') && step.run);
  if (!install?.run) throw new Error('action.yml has no install step under an actions/cache miss');
  await run('bash', ['-eo', 'pipefail', '-c', install.run], {
    cwd: actionDir,
    env: { ...nodeFirst, PERFSITE_NODE: setup.node, COMPILED: setup.compiled, npm_config_prefer_offline: 'true' },
  });
}

try {
  let tarball = values.tarball ? path.resolve(values.tarball) : undefined;
  if (!tarball) {
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: ROOT });
    tarball = path.join(scratch, stdout.trim());
  }
  const tarballMb = (await stat(tarball)).size / 1e6;
  const installs: number[] = [];
  const setUps: number[] = [];
  const actions: number[] = [];
  const oneRunBuilds: Array<{ seconds: number; peakMb: number }> = [];
  let installedMb = 0;
  let packages = 0;
  for (let round = 0; round <= rounds; round++) {
    const here = path.join(scratch, `round-${round}`);
    const project = path.join(here, 'project');
    await mkdir(project, { recursive: true });
    await run('npm', ['init', '-y'], { cwd: project });
    const install = await seconds(() =>
      run('npm', ['install', tarball, '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project }),
    );
    installedMb = (await bytesIn(path.join(project, 'node_modules'))) / 2 ** 20;
    packages = await packagesIn(path.join(project, 'node_modules'));
    await run('hyperfine', ['--runs', '10', '--export-json', 'bench.json', 'sleep 0.01'], { cwd: project });
    await run(path.join(project, 'node_modules', '.bin', 'perfsite'), ['import', '--format', 'hyperfine', 'bench.json'], {
      cwd: project,
      env: { ...nodeFirst, PERFORMANCE_PLATFORM: 'bench-machine' },
    });
    const built = await run('/usr/bin/time', ['-f', '%e %M', path.join(project, 'node_modules', '.bin', 'perfsite'), 'build'], {
      cwd: project,
      env: { ...nodeFirst, PERFSITE_BUILD_CACHE: 'off' },
    });
    const [buildSeconds, peakKb] = (built.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (!buildSeconds || !peakKb) throw new Error(`round ${round}: GNU time gave no figures for the build:\n${built.stderr}`);

    const actionDir = path.join(here, 'action');
    const runnerTemp = path.join(here, 'runner');
    await mkdir(actionDir);
    await mkdir(runnerTemp);
    execFileSync('tar', ['-xzf', tarball, '-C', actionDir, '--strip-components=1']);
    const setUp = await seconds(() => setUpAction(actionDir, runnerTemp));

    const remote = path.join(here, 'remote.git');
    const repo = path.join(here, 'repo');
    await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
    await run('git', ['clone', '--quiet', remote, repo]);
    const git = (...args: string[]) => run('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args]);
    await writeFile(path.join(repo, 'README.md'), 'a project\n');
    await git('add', 'README.md');
    await git('commit', '--quiet', '-m', 'a project');
    await git('push', '--quiet', 'origin', 'main');
    await run('hyperfine', ['--runs', '10', '--export-json', 'bench.json', 'sleep 0.01'], { cwd: repo });
    const sha = (await git('rev-parse', 'HEAD')).stdout.trim();
    const step = await seconds(() =>
      run(process.execPath, [path.join(actionDir, 'bin', 'perfsite.mjs'), 'action'], {
        cwd: repo,
        env: {
          ...nodeFirst,
          GITHUB_EVENT_NAME: 'push',
          GITHUB_REF: 'refs/heads/main',
          GITHUB_SHA: sha,
          GITHUB_REPOSITORY: 'bench/project',
          GITHUB_STEP_SUMMARY: path.join(runnerTemp, 'summary.md'),
          RUNNER_TEMP: runnerTemp,
          PERFORMANCE_PLATFORM: 'bench-runner',
          INPUT_TOOL: 'hyperfine',
          INPUT_OUTPUT_FILE_PATH: 'bench.json',
          INPUT_DEFAULT_BRANCH: 'main',
          INPUT_GITHUB_TOKEN: 'unused',
          INPUT_BUILD_SITE: 'true',
          INPUT_SITE_DIR: 'site',
        },
      }),
    );
    if (!(await readFile(path.join(repo, 'site', 'index.html'), 'utf8')).includes('bench-runner'))
      throw new Error(`round ${round}: the action built no site of the run`);
    const label = round === 0 ? ' (warms npm’s cache; not counted)' : '';
    console.log(
      `round ${round}: install ${install.toFixed(2)} s, one-run build ${buildSeconds.toFixed(2)} s ${(peakKb / 1024).toFixed(0)} MiB, action set-up ${setUp.toFixed(2)} s, action step ${step.toFixed(2)} s${label}`,
    );
    if (round > 0) {
      installs.push(install);
      oneRunBuilds.push({ seconds: buildSeconds, peakMb: peakKb / 1024 });
      setUps.push(setUp);
      actions.push(setUp + step);
    }
    await rm(here, { recursive: true, force: true });
  }
  console.log(`\nnode ${process.version}, ${rounds} rounds, medians:`);
  console.log(`| what | figure |\n|---|---|`);
  console.log(`| packed tarball | ${tarballMb.toFixed(1)} MB |`);
  console.log(
    `| npm install --omit=dev | ${installedMb.toFixed(0)} MiB, ${packages} packages, ${median(installs).toFixed(2)} s (warm cache) |`,
  );
  console.log(
    `| a one-run history's site, \`perfsite build\` | ${median(oneRunBuilds.map((build) => build.seconds)).toFixed(2)} s, ${median(oneRunBuilds.map((build) => build.peakMb)).toFixed(0)} MiB peak |`,
  );
  console.log(`| the action's set-up (Node found, DuckDB installed) | ${median(setUps).toFixed(2)} s |`);
  console.log(`| the whole action, one-run history (set-up, import, gate, push, site) | ${median(actions).toFixed(2)} s |`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
