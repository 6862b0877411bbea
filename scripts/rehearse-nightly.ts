/**
 * npm run rehearse:nightly -- [--remote PATH] [--mode quick] [--work DIR]
 *
 * Runs the nightly workflow's own `run:` steps, in order, on this machine: in a fresh clone of this
 * project whose `origin` is a local bare repository standing in for GitHub (created empty unless
 * --remote names one). The history is restored from its branch there, the benchmarks run, the run is
 * appended and pushed, and the site is built. Steps that only GitHub can run (checkout, setup-node,
 * artifacts, Pages, anything needing GITHUB_TOKEN) are listed as skipped, and so is npm ci: the clone
 * uses this project's installed dependencies. Run it twice against the
 * same --remote to see the second night restore the first one's run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { parse } from 'yaml';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';

const WORKFLOW = '.github/workflows/nightly-benchmark.yml';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  env?: Record<string, string>;
  steps: Step[];
}

/** The expressions the workflow uses, as they evaluate in a rehearsal; any other one is an error to fix here. */
function evaluate(text: string, context: Record<string, string>): string {
  return text.replaceAll(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    if (!(expression in context))
      throw new UsageError(
        `${WORKFLOW} uses \${{ ${expression} }}, which the rehearsal does not know: add it to scripts/rehearse-nightly.ts`,
      );
    return context[expression] as string;
  });
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    // As GitHub runs a step: bash, stop at the first failing command.
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

export const command = defineCommand({
  usage: 'npm run rehearse:nightly [-- options]',
  about: `Runs the nightly workflow's jobs here, step by step, against a stand-in remote: a rehearsal before
changing the workflow.`,
  options: {
    remote: { type: 'string', value: 'DIR', description: 'a bare repository to push to (default: a new, empty one)' },
    mode: { type: 'string', value: 'MODE', default: 'quick', description: 'the benchmark mode (default quick)' },
    work: { type: 'string', value: 'DIR', description: 'where the checkouts go (default: a temporary folder)' },
  },
  async run({ values }) {
    const project = process.cwd();
    const work = path.resolve(values.work ?? (await mkdtemp(path.join(tmpdir(), 'perfsite-rehearsal-'))));
    const remote = path.resolve(values.remote ?? path.join(work, 'remote.git'));
    if (!values.remote) {
      await simpleGit().init(true, [remote, '--initial-branch=main']);
      console.log(`stand-in remote: ${remote} (a new, empty bare repository)`);
    }
    // What actions/checkout gives the workflow: this project's commit, with origin pointing at the remote.
    const checkout = path.join(work, 'checkout');
    await rm(checkout, { recursive: true, force: true });
    await simpleGit().clone(project, checkout, ['--quiet', '--no-hardlinks']);
    const git = simpleGit({ baseDir: checkout });
    await git.remote(['set-url', 'origin', remote]);
    await git.push('origin', 'HEAD:refs/heads/main', ['--quiet', '--force']);
    // What npm ci gives it: this project's installed dependencies.
    await symlink(path.join(project, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');

    const workflow = parse(await readFile(path.join(project, WORKFLOW), 'utf8')) as { jobs: Record<string, Job> };
    const context: Record<string, string> = {
      "inputs.mode || 'comprehensive'": values.mode,
      'inputs.bisect-event': '',
      'github.run_id': 'rehearsal',
      // The stand-in remote is a local folder: no token to give the git commands.
      'github.token': '',
      'vars.PERFSITE_SITE_URL': '',
      'steps.pages.outputs.origin': '',
      'steps.pages.outputs.base_path': '',
      'steps.deploy.outputs.page_url': '',
    };
    const summary = path.join(work, 'step-summary.md');
    let failed: string[] = [];
    for (const [jobId, job] of Object.entries(workflow.jobs)) {
      const needs = [job.needs ?? []].flat();
      // Only `if: !cancelled()` lets a job run after the one it needs failed.
      if (needs.some((need) => failed.includes(need)) && !/!\s*cancelled\(\)/.test(job.if ?? '')) {
        console.log(`\n== job ${jobId}: skipped, ${needs.join(', ')} failed`);
        continue;
      }
      console.log(`\n== job ${jobId}`);
      for (const step of job.steps) {
        const label = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? '';
        if (step.uses) {
          console.log(`-- ${label}: skipped (GitHub only)`);
          continue;
        }
        if (!step.run) continue;
        // The checkout's node_modules is this project's, linked: npm ci there would reinstall this project's.
        if (/^npm ci\b/.test(step.run.trim())) {
          console.log(`-- ${label}: skipped (the rehearsal uses this project's installed dependencies)`);
          continue;
        }
        if ('GITHUB_TOKEN' in (step.env ?? {})) {
          console.log(`-- ${label}: skipped (needs the GitHub API)`);
          continue;
        }
        const stepEnv = Object.fromEntries(
          Object.entries({ ...job.env, ...step.env }).map(([key, value]) => [key, evaluate(String(value), context)]),
        );
        console.log(`-- ${label}`);
        const code = await bash(evaluate(step.run, context), checkout, {
          ...process.env,
          ...stepEnv,
          GITHUB_STEP_SUMMARY: summary,
          GITHUB_REPOSITORY: 'rehearsal/project',
        });
        if (code !== 0) {
          console.log(`-- ${label}: failed (exit ${code})`);
          failed = [...failed, jobId];
          break;
        }
      }
    }
    const history = await simpleGit({ baseDir: remote })
      .raw(['log', '--format=%h %s', 'perf-history'])
      .catch(() => '(none)');
    console.log(`\nthe stand-in remote's perf-history branch:\n${history.trim()}`);
    console.log(`the site: ${path.join(checkout, 'dist')}`);
    console.log(`rehearse the next night: npm run rehearse:nightly -- --remote ${remote}`);
    return failed.length > 0 ? EXIT.failed : EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
