/**
 * The composite action's steps, run here as GitHub runs them in a repository that holds no perfsite files:
 * a real hyperfine result is imported, judged and pushed to a bare repository standing in for GitHub; a
 * second, slower result fails the gate. action.yml itself is checked by lint:workflows.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import type { Culprit } from '../../src/lib/analysis/culprits-file.ts';
import { thresholdOf } from '../../src/lib/github/github-action-inputs.ts';
import { ccLine } from '../../src/lib/github/pr-comment.ts';
import { pushHistory, restoreHistory } from '../../src/lib/store/history-branch.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { BISECT_BENCH, bisectRepository, runsAcrossStep } from '../fixtures/bisect-repo.ts';
import { startFakeGitHub } from '../github-api-fake.ts';
import { githubActionBenchmarkNights, hyperfineHere, PROJECT_ROOT, projectWithRemote, runScript, tempDir } from '../helpers.ts';

const hyperfine = hyperfineHere('the action test');

/** The action's step as action.yml runs it in `repo`, on a push to main unless `env` says otherwise, and the job summary it wrote. */
async function actionStep(repo: string, runnerTemp: string, env: NodeJS.ProcessEnv) {
  const summary = path.join(runnerTemp, 'summary.md');
  const result = await runScript('scripts/action.ts', [], {
    cwd: repo,
    env: {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: runnerTemp,
      INPUT_DEFAULT_BRANCH: 'main',
      ...env,
    },
  });
  return { ...result, summary: existsSync(summary) ? await readFile(summary, 'utf8') : '' };
}

describe('the action', () => {
  it("converts github-action-benchmark's alert-threshold and refuses what it cannot mean", () => {
    expect(thresholdOf('')).toEqual({});
    expect(thresholdOf('200%')).toMatchObject({ threshold: 1 });
    expect(thresholdOf('150%')).toMatchObject({ threshold: 0.5, said: expect.stringMatching(/threshold of 50 %/) });
    expect(thresholdOf('2.0')).toEqual({ error: expect.stringMatching(/e\.g\. 150%/) });
    expect(thresholdOf('90%')).toEqual({ error: expect.stringMatching(/would alert on every run/) });
  });

  it('reads alert-comment-cc-users as github-action-benchmark does, and refuses what is not a login', () => {
    expect(ccLine('')).toBe('');
    expect(ccLine('@octocat,hubot, @a-b ')).toBe('CC: @octocat @hubot @a-b\n\n');
    expect(() => ccLine('@octocat,<img src=x>')).toThrow(/"<img src=x>" is not a GitHub login/);
    expect(() => ccLine('-dash')).toThrow(/not a GitHub login/);
  });

  it('maps every input to the environment of its one run step, and splices none into a script', async () => {
    const action = parse(await readFile(path.join(PROJECT_ROOT, 'action.yml'), 'utf8'));
    const steps: Array<{ run?: string; env?: Record<string, string> }> = action.runs.steps;
    for (const step of steps.filter((each) => each.run)) expect(step.run).not.toMatch(/\$\{\{/);
    const run = steps.find((step) => step.run?.includes('bin/perfsite.mjs" action'));
    for (const name of Object.keys(action.inputs)) {
      expect(run?.env?.[`INPUT_${name.toUpperCase().replaceAll('-', '_')}`], name).toBe(`\${{ inputs.${name} }}`);
    }
  });

  it.skipIf(!hyperfine)(
    'imports a real result, pushes the history, and fails the gate on a slower one',
    async () => {
      const { remote, repo, git } = await projectWithRemote('a project with no perfsite files\n');
      const github = await startFakeGitHub('octo/project', 'test-token');
      onTestFinished(() => github.close());
      const sha = (await git.revparse(['HEAD'])).trim();
      // github-action-benchmark served this repository until now: three nights of the same benchmark on gh-pages.
      const entries = githubActionBenchmarkNights();
      await git.checkout(['--orphan', 'gh-pages']);
      await git.raw(['rm', '-rf', '--quiet', '.']);
      await mkdir(path.join(repo, 'dev', 'bench'), { recursive: true });
      await writeFile(
        path.join(repo, 'dev', 'bench', 'data.js'),
        `window.BENCHMARK_DATA = ${JSON.stringify({ lastUpdate: Date.parse('2026-11-04T03:00:00Z'), repoUrl: 'https://example.invalid', entries: { Benchmark: entries, 'Other Benchmark': entries } })}`,
      );
      await git.add('dev/bench/data.js').commit('github-action-benchmark');
      await git.push('origin', 'gh-pages');
      await git.checkout('main');

      // One command, as a benchmark step would run it each night; DELAY makes a night slower.
      const runAction = async (delay: string, runnerTemp: string, event: NodeJS.ProcessEnv = {}) => {
        execFileSync('hyperfine', ['--runs', '10', '--export-json', path.join(repo, 'bench.json'), 'sleep "$DELAY"'], {
          cwd: repo,
          stdio: 'ignore',
          env: { ...process.env, DELAY: delay },
        });
        return actionStep(repo, runnerTemp, {
          GITHUB_SHA: sha,
          INPUT_TOOL: 'hyperfine',
          INPUT_OUTPUT_FILE_PATH: 'bench.json',
          INPUT_ALERT_THRESHOLD: '400%',
          INPUT_COMMENT_ON_ALERT: 'true',
          INPUT_ALERT_COMMENT_CC_USERS: '@octocat, hubot',
          INPUT_GITHUB_TOKEN: 'test-token',
          GITHUB_REPOSITORY: 'octo/project',
          GITHUB_API_URL: github.url,
          PERFORMANCE_PLATFORM: 'ci-runner',
          ...event,
        });
      };

      const first = await runAction('0.02', await tempDir('perfsite-runner-'), {
        INPUT_BUILD_SITE: 'true',
        INPUT_SITE_DIR: 'site',
        INPUT_MAX_ITEMS_IN_CHART: '30',
      });
      expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
      expect(first.summary).toContain('sleep');
      expect(first.summary).toMatch(/threshold of 300 %/);
      // A github-action-benchmark input perfsite does not need is taken, and said to have no effect.
      expect(first.summary).toMatch(/input max-items-in-chart is github-action-benchmark's and has no effect here/);
      // Judged against the three nights it took over: the same series, on the platform and suite it records into.
      expect(first.summary).toMatch(/took github-action-benchmark's history from gh-pages:dev\/bench\/data\.js/);
      expect(first.summary).toMatch(/median of 3/);
      expect(first.stdout).toMatch(/left out the entries of "Other Benchmark"/);
      // The site, built in perfsite's own folder from the history, lands in the repository's site-dir: four runs.
      expect((await readdir(path.join(repo, 'site', 'runs'))).length).toBe(4);
      const pushed = async () =>
        (await simpleGit({ baseDir: remote }).raw(['ls-tree', '-r', '--name-only', 'perf-history']))
          .split('\n')
          .filter((file) => /^runs\/.+\.json$/.test(file));
      expect(await pushed()).toHaveLength(4);
      expect(github.commitComments).toEqual([]);

      // The same benchmark 7 times slower: beyond 300 %, the gate fails, and the run is kept all the same.
      // (A 20 ms sleep took 35 ms on a machine busy with another build: the threshold leaves room for that.)
      const second = await runAction('0.15', await tempDir('perfsite-runner-'));
      expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(1);
      expect(second.summary).toMatch(/regression/i);
      // The history is no longer empty: github-action-benchmark's is not taken twice.
      expect(second.summary).not.toMatch(/took github-action-benchmark's history/);
      expect(await pushed()).toHaveLength(5);
      expect(await readdir(repo)).not.toContain('perf-history');
      // comment-on-alert: the regressed commit gets the report, its CC line first.
      expect(github.commitComments).toHaveLength(1);
      expect(github.commitComments[0]?.commit).toBe(sha);
      expect(github.commitComments[0]?.body).toMatch(/^<!-- perfsite:report -->\nCC: @octocat @hubot\n\n## 📊 Performance Report/);
      expect(github.commitComments[0]?.body).toMatch(/❌ regression/);

      // A pull request 7 times slower again (the push before it started a new level, its baseline): judged
      // against main's runs, reported for the comment workflow,
      // and pushed nowhere.
      const payload = path.join(await tempDir('perfsite-event-'), 'event.json');
      await writeFile(payload, JSON.stringify({ pull_request: { number: 7, head: { sha: 'b'.repeat(40) } } }));
      const pullRequest = await runAction('1', await tempDir('perfsite-runner-'), {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REF: 'refs/pull/7/merge',
        GITHUB_EVENT_PATH: payload,
      });
      expect(pullRequest.code, `${pullRequest.stdout}\n${pullRequest.stderr}`).toBe(1);
      const report = path.join(repo, 'perfsite-report', 'report');
      expect(await readFile(path.join(report, 'pr-number'), 'utf8')).toBe('7\n');
      expect(await readFile(path.join(report, 'head-sha'), 'utf8')).toBe(`${'b'.repeat(40)}\n`);
      expect(await readFile(path.join(report, 'comment.md'), 'utf8')).toMatch(/❌ regression/);
      expect(await pushed()).toHaveLength(5);
      // The pull request's report is for its comment workflow, not a comment on a commit.
      expect(github.commitComments).toHaveLength(1);
    },
    300_000,
  );

  it("runs the project's suites with no secret in their environment: not the token, not Actions' own", async () => {
    const { repo } = await projectWithRemote('a project whose suite reads its environment\n');
    const dump = path.join(await tempDir('perfsite-env-'), 'environment.json');
    await mkdir(path.join(repo, 'bench'));
    // What a compromised dependency of a suite would do: read the environment and keep it.
    await writeFile(
      path.join(repo, 'bench', 'nosy.suite.mts'),
      `import { writeFileSync } from 'node:fs';
export default {
  name: 'nosy',
  description: 'keeps what it can read',
  metrics: { work: { unit: 's', direction: 'lower', description: 'a constant' } },
  samples: { quick: 3, standard: 3, comprehensive: 3 },
  async setup() { writeFileSync(${JSON.stringify(dump)}, JSON.stringify(process.env)); return {}; },
  async sample() { return { work: 0.5 }; },
};
`,
    );
    const secrets = {
      INPUT_GITHUB_TOKEN: 'ghs_input-token-value',
      GITHUB_TOKEN: 'ghs_job-token-value',
      ACTIONS_RUNTIME_TOKEN: 'runtime-token-value',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token-value',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.invalid/request?token-in-url',
      AWS_SECRET_ACCESS_KEY: 'aws-secret-value',
      NPM_AUTH: 'npm-auth-value',
      PERFSITE_DEPLOY_KEY: 'deploy-key-value',
    };
    const result = await runScript('scripts/action.ts', [], {
      cwd: repo,
      env: {
        ...secrets,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF: 'refs/heads/feature',
        GITHUB_SHA: 'c'.repeat(40),
        RUNNER_TEMP: await tempDir('perfsite-runner-'),
        INPUT_SUITES: 'bench',
        INPUT_DEFAULT_BRANCH: 'main',
        BENCHMARK_MODE: 'quick',
        PERFORMANCE_PLATFORM: 'ci-runner',
      },
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const seen = JSON.parse(await readFile(dump, 'utf8')) as Record<string, string>;
    const text = JSON.stringify(seen);
    for (const [name, value] of Object.entries(secrets)) {
      expect(seen[name], name).toBeUndefined();
      expect(text, name).not.toContain(value);
    }
    expect(Object.keys(seen).filter((name) => name.startsWith('INPUT_'))).toEqual([]);
    // What a benchmark needs to know where it runs is there.
    expect(seen).toMatchObject({
      PATH: process.env.PATH,
      GITHUB_SHA: 'c'.repeat(40),
      BENCHMARK_MODE: 'quick',
      PERFORMANCE_PLATFORM: 'ci-runner',
    });
  });

  it("with bisect: true, narrows a push's regression over several commits to the commit that made it, names it in the summary and pushes it with the run", async () => {
    const { dir: repo, shas } = await bisectRepository(8, 5);
    const remote = await tempDir('perfsite-remote-');
    await simpleGit({ baseDir: remote }).init(true, ['--initial-branch=main']);
    const git = simpleGit({ baseDir: repo });
    await git.addRemote('origin', remote);
    await git.push('origin', 'main');
    // The pushes so far: ten at the good commit, two after a push of eight commits made it 10 % slower.
    const history = { repo, dir: await tempDir('perfsite-seed-'), remote: 'origin', branch: 'perf-history' };
    await restoreHistory(history);
    await appendRuns(
      history.dir,
      runsAcrossStep(shas[0] as string, shas[8] as string, { before: 10, after: 2, step: 0.1, platform: 'ci-runner', runType: 'ci' }),
    );
    await pushHistory({ ...history, message: 'the pushes so far' });
    const counter = path.join(await tempDir('perfsite-count-'), 'count');
    const configure = (bisect: object) => writeFile(path.join(repo, 'perfsite.config.json'), JSON.stringify({ threshold: 0.05, bisect }));
    const runAction = async () => {
      execFileSync(process.execPath, ['bench.mjs', '3', counter], { cwd: repo });
      return actionStep(repo, await tempDir('perfsite-runner-'), {
        GITHUB_SHA: shas[8],
        INPUT_TOOL: 'customSmallerIsBetter',
        INPUT_OUTPUT_FILE_PATH: 'out.json',
        INPUT_NAME: 'bench',
        INPUT_BISECT: 'true',
        INPUT_FAIL_ON_ALERT: 'false',
        PERFORMANCE_PLATFORM: 'ci-runner',
      });
    };

    // Asked to bisect with no command to run in each commit: said before anything is recorded.
    await configure({ runsPerNight: 80 });
    const unconfigured = await runAction();
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toContain('perfsite.config.json has no bisect.command: give the command that writes out.json');

    const { repeats, maxRuns } = BISECT_BENCH;
    await configure({ runsPerNight: 80, repeats, maxRuns, command: [process.execPath, 'bench.mjs', '3', counter] });
    const bisected = await runAction();
    expect(bisected.code, `${bisected.stdout}\n${bisected.stderr}`).toBe(0);
    expect(bisected.stdout).toContain(`culprit ${shas[5]} change 5`);
    // (Markdown: the summary escapes the parenthesis.)
    expect(bisected.summary).toMatch(new RegExp(`${shas[5]?.slice(0, 7)}[0-9a-f]* change 5 \\\\\\(the culprit, found by bisect`));
    const pushed = JSON.parse(await simpleGit({ baseDir: remote }).show(['perf-history:culprits.json'])) as Record<string, Culprit>;
    expect(Object.values(pushed).map((culprit) => culprit.commit)).toEqual([shas[5]]);
    expect(Object.values(pushed)[0]?.runs).toBeLessThanOrEqual(80);
  }, 300_000);
});
