/**
 * What action.yml runs, in the repository that uses the action (its working directory), from the action's own
 * files: restores the history from its branch, imports the tool's output, judges the run as `npm run check`
 * does, writes the job summary, and on a push to the default branch pushes the history back and (when asked)
 * builds the site. Each step is one of perfsite's own commands, run as a child process.
 *
 * Inputs arrive as environment variables (INPUT_<NAME>, as action.yml maps them), never spliced into a
 * shell script: a stranger's branch name or tool output cannot become a command.
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { commandFile } from '../bin/commands.mjs';
import { CONFIG_FILE, loadConfig } from '../src/lib/analysis/config.ts';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { benchmarkEnvironment } from '../src/lib/github/benchmark-env.ts';
import { thresholdOf } from '../src/lib/github/github-action-inputs.ts';
import { ccLine } from '../src/lib/github/pr-comment.ts';
import { EXIT, PerfsiteError, UsageError } from '../src/lib/shared/errors.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { readRemoteBranchFile } from '../src/lib/store/history-branch.ts';
import { detectRunContext } from '../src/lib/store/run-context.ts';
import { listRecordFiles } from '../src/lib/store/store.ts';
import { PERFSITE_ROOT } from '../src/render/astro-root.ts';

const input = (name: string, fallback = ''): string => process.env[`INPUT_${name.toUpperCase().replaceAll('-', '_')}`]?.trim() || fallback;
const flag = (name: string, fallback: boolean): boolean => {
  const given = input(name);
  if (given === '') return fallback;
  if (given === 'true' || given === 'false') return given === 'true';
  throw new UsageError(`input ${name} is ${JSON.stringify(given)}: write true or false`);
};

/**
 * Runs one of perfsite's own commands. `base` is the environment it starts from: the step's own for
 * perfsite's code, benchmarkEnvironment's for the step that runs the project's suites.
 */
function perfsite(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd = process.cwd(),
  base: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [commandFile(PERFSITE_ROOT, script), ...args], {
      cwd,
      stdio: 'inherit',
      env: { ...base, ...env },
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** github-action-benchmark's inputs that perfsite takes, so that a workflow switches by its `uses:` line alone, but does not need. */
const IGNORED_INPUTS: Record<string, string> = {
  'max-items-in-chart': 'charts thin long series themselves, and every run keeps its page',
  'comment-always': 'a pull request gets one comment, updated on every push; a commit gets one when it regressed (comment-on-alert)',
  'save-data-file': 'the history is always kept, on history-branch',
  'external-data-json-path': 'the history lives on history-branch',
  'skip-fetch-gh-pages': 'gh-pages is read once, on the first run, to take its history over',
  'fail-threshold': 'one threshold reports and fails a regression: give alert-threshold',
};

/** The site's address: the one given, or GitHub Pages' for this repository (its own at <owner>.github.io). */
function publishedAt(given: string, repository: string | undefined): URL | undefined {
  if (given) {
    const url = URL.canParse(given) ? new URL(given) : undefined;
    if (!url || !/^https?:$/.test(url.protocol))
      throw new UsageError(`input site-url is ${JSON.stringify(given)}: write a URL such as https://example.org/perf/`);
    return url;
  }
  const [owner, name] = repository?.split('/') ?? [];
  if (!owner || !name) return undefined;
  return new URL(name.toLowerCase() === `${owner.toLowerCase()}.github.io` ? `https://${name}/` : `https://${owner}.github.io/${name}/`);
}

async function must(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<void> {
  const code = await perfsite(script, args, env, cwd);
  if (code !== EXIT.ok) throw new PerfsiteError(`${script} ${args[0] ?? ''} exited with ${code}`);
}

export const command = defineCommand({
  usage: 'node scripts/action.ts   (the step action.yml runs)',
  about: `The GitHub Action's step (action.yml runs it): its inputs come from the INPUT_* environment variables
Actions sets, as action.yml documents them.`,
  options: {},
  async run() {
    const tool = input('tool');
    const outputFile = input('output-file-path');
    const suites = input('suites');
    if (suites ? tool || outputFile : !tool || !outputFile)
      throw new UsageError(
        "the action needs either its inputs tool and output-file-path (a tool's results) or suites (a folder of *.suite.ts)",
      );
    const branch = input('history-branch', 'perf-history');
    const work = process.env.RUNNER_TEMP ?? path.join(process.cwd(), '.perfsite-action');
    const dataDir = path.join(work, 'perfsite-history');
    const gitEnv = { PERFSITE_GIT_TOKEN: input('github-token') };
    const event = process.env.GITHUB_EVENT_NAME ?? '';
    const ref = process.env.GITHUB_REF ?? '';
    const onDefaultBranch = event !== 'pull_request' && ref === `refs/heads/${input('default-branch', 'main')}`;
    const converted = thresholdOf(input('alert-threshold'));
    if ('error' in converted) throw new UsageError(converted.error);
    const notes: string[] = [];
    if ('said' in converted) notes.push(converted.said);
    const commentOnAlert = flag('comment-on-alert', false);
    const bisect = flag('bisect', false) && onDefaultBranch;
    if (bisect) {
      const { bisect: configured } = await loadConfig();
      if (configured.runsPerNight === 0)
        throw new UsageError(
          `input bisect is true, but ${CONFIG_FILE}'s bisect.runsPerNight is 0 (the default): give it the most benchmark runs a push may spend, e.g. { "bisect": { "runsPerNight": 100 } }`,
        );
      if (!suites && !configured.command)
        throw new UsageError(
          `input bisect is true, but ${CONFIG_FILE} has no bisect.command: give the command that writes ${outputFile} (argv, e.g. ["cargo", "bench"]), which bisect runs in each commit it checks out`,
        );
    }
    for (const [name, why] of Object.entries(IGNORED_INPUTS))
      if (input(name)) notes.push(`input ${name} is github-action-benchmark's and has no effect here: ${why}`);
    try {
      ccLine(input('alert-comment-cc-users'));
    } catch (error) {
      throw new UsageError(`input alert-comment-cc-users: ${(error as Error).message}`);
    }

    await mkdir(work, { recursive: true });
    await must('scripts/history.ts', ['restore', '--dir', dataDir, '--branch', branch], gitEnv);
    const data = ['--data', dataDir];
    await must('scripts/compact.ts', data);

    // The first run on a repository that github-action-benchmark served: its history comes along, on the
    // platform and in the suite this action records into, so each series goes on where it left off.
    const context = await detectRunContext({ dataDir });
    const suite = input('name', 'Benchmark');
    if ((await listRecordFiles(dataDir)).length === 0) {
      const pagesBranch = input('gh-pages-branch', 'gh-pages');
      const dataJsPath = `${input('benchmark-data-dir-path', 'dev/bench').replace(/\/+$/, '')}/data.js`;
      const dataJs = await readRemoteBranchFile(
        { repo: process.cwd(), remote: 'origin', branch: pagesBranch, token: gitEnv.PERFSITE_GIT_TOKEN || undefined },
        dataJsPath,
      );
      if (dataJs !== undefined) {
        const copy = path.join(work, 'github-action-benchmark-data.js');
        await writeFile(copy, dataJs);
        await must('scripts/import.ts', [
          '--format',
          'github-action-benchmark',
          '--platform',
          context.platform.id,
          '--suite',
          suite,
          ...data,
          copy,
        ]);
        notes.push(
          `took github-action-benchmark's history from ${pagesBranch}:${dataJsPath} (platform ${context.platform.id}, suite ${suite})`,
        );
      }
    }

    const runType = ['--run-type', event === 'pull_request' ? 'pr' : 'ci'];
    if (suites) {
      // The suites record their own run; a failed measurement is kept and judged like any other. They are
      // the project's code and its dependencies' (a write token would let them push): they run with no secret.
      const measured = await perfsite(
        'bench/run.ts',
        ['--dir', path.resolve(suites), ...data, ...runType],
        {},
        process.cwd(),
        benchmarkEnvironment(process.env),
      );
      if (measured === EXIT.usage) throw new UsageError(`the suites in ${suites} could not run (see above)`);
    } else {
      const imported = await perfsite('scripts/import.ts', ['--format', tool, ...data, '--suite', suite, ...runType, outputFile]);
      if (imported === EXIT.usage) throw new UsageError(`${outputFile} could not be imported as ${tool} (see above)`);
    }

    // A push that regressed over a range of several commits (a push of many, a runner that skipped some) is
    // narrowed to its commit before the report is written, so the summary, the comment and the history name it.
    // The range's commits are the project's code: they run with no secret, as the suites do.
    if (bisect) {
      if ((await simpleGit().raw(['rev-parse', '--is-shallow-repository'])).trim() === 'true')
        notes.push('input bisect needs every commit of a range: give actions/checkout `fetch-depth: 0`; nothing was bisected');
      else {
        const how = suites ? ['--dir', path.resolve(suites)] : ['--tool', tool, '--output-file-path', outputFile, '--suite', suite];
        const bisected = await perfsite(
          'scripts/bisect.ts',
          ['--open-events', ...data, ...how],
          {},
          process.cwd(),
          benchmarkEnvironment(process.env),
        );
        if (bisected !== EXIT.ok) notes.push(`bisect failed (exit ${bisected}, see above); the run is recorded all the same`);
      }
    }

    const judged = ['--run', 'latest', ...data, ...('threshold' in converted ? ['--threshold', String(converted.threshold)] : [])];
    const verdict = await perfsite('scripts/check.ts', judged);
    // A check that broke (out of memory, say) has no verdict: the step fails as an error, never as a regression.
    if (verdict !== EXIT.ok && verdict !== EXIT.failed)
      throw new PerfsiteError(`the check could not judge the run (exit ${verdict}, see above)`, { exitCode: EXIT.broken });
    const regressed = verdict === EXIT.failed;
    const summary = process.env.GITHUB_STEP_SUMMARY;
    const report = path.join(work, 'perfsite-report.md');
    if (regressed || (summary && flag('summary-always', true)))
      await must('scripts/report.ts', ['--format', 'markdown', '--output', report, ...judged]);
    if (summary && (regressed || flag('summary-always', true)))
      await appendFile(summary, `${await readFile(report, 'utf8')}\n${notes.map((note) => `> ${note}\n`).join('')}`);
    // github-action-benchmark's comment-on-alert: a pushed commit that regressed gets the report as a comment.
    // A pull request's report goes to the pull request instead, through the comment workflow.
    if (regressed && commentOnAlert && event !== 'pull_request' && process.env.GITHUB_SHA) {
      await must(
        'scripts/github.ts',
        ['commit-comment', '--sha', process.env.GITHUB_SHA, '--body-file', report, '--cc', input('alert-comment-cc-users')],
        { GITHUB_TOKEN: input('github-token') },
      );
    }

    // For the comment workflow (pr-comment.yml, which `perfsite init` writes): the report and the pull request
    // it belongs to, in the artifact the next step of action.yml uploads. That workflow trusts only GitHub's
    // word for the pull request's head, never these files alone.
    if (event === 'pull_request') {
      const pullRequest = process.env.GITHUB_EVENT_PATH
        ? (
            JSON.parse(await readFile(process.env.GITHUB_EVENT_PATH, 'utf8')) as {
              pull_request?: { number?: number; head?: { sha?: string } };
            }
          ).pull_request
        : undefined;
      const reportDir = path.join(process.cwd(), 'perfsite-report', 'report');
      await mkdir(reportDir, { recursive: true });
      await must('scripts/report.ts', ['--format', 'markdown', '--output', path.join(reportDir, 'comment.md'), ...judged]);
      await writeFile(path.join(reportDir, 'pr-number'), `${pullRequest?.number ?? ''}\n`);
      await writeFile(path.join(reportDir, 'head-sha'), `${pullRequest?.head?.sha ?? ''}\n`);
    }

    if (onDefaultBranch && flag('auto-push', true)) {
      await must(
        'scripts/history.ts',
        [
          'push',
          '--dir',
          dataDir,
          '--branch',
          branch,
          '--message',
          `perfsite: ${suites ? 'suites' : tool} results of ${process.env.GITHUB_SHA ?? 'this run'}`,
        ],
        gitEnv,
      );
    }
    if (onDefaultBranch && flag('build-site', false)) {
      const site = publishedAt(input('site-url'), process.env.GITHUB_REPOSITORY);
      const siteDir = path.resolve(input('site-dir', 'perfsite-site'));
      await must(
        'scripts/build.ts',
        ['--outDir', siteDir],
        { PERFORMANCE_DB_PATH: dataDir, ...(site ? { PERFSITE_SITE: site.origin, PERFSITE_BASE: site.pathname } : {}) },
        PERFSITE_ROOT,
      );
      // For action.yml's next step, which uploads it for GitHub Pages.
      if (process.env.GITHUB_OUTPUT) await appendFile(process.env.GITHUB_OUTPUT, `site-dir=${siteDir}\n`);
    }
    const runs = (await listRecordFiles(dataDir)).length;
    console.log([`perfsite: ${plural(runs, 'run')} in the history on ${branch}`, ...notes].join('; '));
    if (regressed && flag('fail-on-alert', true)) return EXIT.failed;
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
