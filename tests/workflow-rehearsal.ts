/**
 * Runs a workflow's job here as a GitHub runner would: `run:` steps in bash, composite actions step by step
 * with their inputs, `if:` conditions and `${{ }}` expressions evaluated. What only GitHub has is stood in
 * for: checkout and setup-node are the working tree and this Node; artifacts and caches are folders; a step
 * the caller names is listed as skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  'working-directory'?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number | boolean>;
}

type Context = Record<string, unknown>;

export interface Rehearsal {
  workspace: string;
  runnerTemp: string;
  /** Folder that stands for the run's uploaded artifacts (artifact name → subfolder). */
  artifacts: string;
  /** `owner/repo@commit` of an action → the folder holding its files. */
  actions: Record<string, string>;
  event: { name: string; payload: Record<string, unknown>; ref: string; sha: string };
  env: NodeJS.ProcessEnv;
  /** Folder that stands for actions/cache's store (key → saved paths); without it every lookup misses. */
  cacheDir?: string;
  /** Steps not run, each with why (matched against the step's `run`). */
  skip?: Array<{ run: RegExp; why: string }>;
}

export interface JobResult {
  ran: boolean;
  code: number;
  skipped: string[];
  summary: string;
}

/** A small evaluator for the expressions workflows use: paths, literals, ==, !=, !, &&, ||, status functions. */
export function evaluate(expression: string, context: Context, failed: boolean): unknown {
  const tokens =
    expression.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[!()]|[A-Za-z_][\w.-]*(?:\[\d+\][\w.-]*)*(?:\(\))?|\d+(?:\.\d+)?|\S/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++] as string;
  const lookup = (name: string): unknown =>
    name
      .replaceAll(/\[(\d+)\]/g, '.$1')
      .split('.')
      .reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), context);
  const primary = (): unknown => {
    const token = next();
    if (token === '!') return !primary();
    if (token === '(') {
      const value = or();
      next();
      return value;
    }
    if (token.startsWith("'")) return token.slice(1, -1).replaceAll("''", "'");
    if (/^\d/.test(token)) return Number(token);
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    if (token === 'success()') return !failed;
    if (token === 'failure()') return failed;
    if (token === 'always()') return true;
    if (token === 'cancelled()') return false;
    if (token.endsWith('()')) throw new Error(`the rehearsal does not know ${token}`);
    return lookup(token);
  };
  const loose = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : (value ?? ''));
  const comparison = (): unknown => {
    let left = primary();
    while (peek() === '==' || peek() === '!=') {
      const equal = next() === '==';
      const right = primary();
      left = (loose(left) === loose(right)) === equal;
    }
    return left;
  };
  const and = (): unknown => {
    let left = comparison();
    while (peek() === '&&') {
      next();
      const right = comparison();
      left = left ? right : left;
    }
    return left;
  };
  const or = (): unknown => {
    let left = and();
    while (peek() === '||') {
      next();
      const right = and();
      left = left || right;
    }
    return left;
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`the rehearsal cannot read \${{ ${expression} }}`);
  return value;
}

function substitute(text: string, context: Context, failed = false): string {
  return text.replaceAll(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    const value = evaluate(expression, context, failed);
    return value === undefined || value === null ? '' : String(value);
  });
}

function condition(text: string | undefined, context: Context, failed: boolean): boolean {
  if (text === undefined) return !failed;
  const expression = text.replace(/^\s*\$\{\{\s*/, '').replace(/\s*\}\}\s*$/, '');
  // As GitHub does: a condition without a status function is read as `success() && (…)`.
  const withStatus = /\b(success|failure|always|cancelled)\(\)/.test(expression) ? expression : `success() && (${expression})`;
  return Boolean(evaluate(withStatus, context, failed));
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

export async function rehearseJob(workflowFile: string, jobId: string, rehearsal: Rehearsal): Promise<JobResult> {
  const workflow = parse(await readFile(workflowFile, 'utf8')) as { jobs: Record<string, { if?: string; steps: Step[] }> };
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`${workflowFile} has no job ${jobId}`);
  const summaryFile = path.join(rehearsal.runnerTemp, `summary-${jobId}.md`);
  await mkdir(rehearsal.runnerTemp, { recursive: true });
  const eventFile = path.join(rehearsal.runnerTemp, 'event.json');
  await writeFile(eventFile, JSON.stringify(rehearsal.event.payload));
  await writeFile(summaryFile, '');
  const token = 'rehearsal-token';
  const github = {
    token,
    event_name: rehearsal.event.name,
    event: rehearsal.event.payload,
    ref: rehearsal.event.ref,
    sha: rehearsal.event.sha,
    workspace: rehearsal.workspace,
  };
  const baseEnv: NodeJS.ProcessEnv = {
    ...rehearsal.env,
    GITHUB_EVENT_NAME: rehearsal.event.name,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REF: rehearsal.event.ref,
    GITHUB_SHA: rehearsal.event.sha,
    GITHUB_WORKSPACE: rehearsal.workspace,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: rehearsal.runnerTemp,
  };
  const skipped: string[] = [];

  let outputFiles = 0;
  /** What actions/cache saves when the job has passed, as its post step does. */
  const cacheSaves: Array<{ stored: string; paths: string[] }> = [];
  const runSteps = async (steps: Step[], outer: Context, actionPath?: string): Promise<boolean> => {
    let failed = false;
    // Each job, and each composite action, sees its own steps' outputs.
    const outputs: Record<string, { outputs: Record<string, string> }> = {};
    const context: Context = { ...outer, steps: outputs };
    for (const step of steps) {
      if (!condition(step.if, context, failed)) continue;
      const outputFile = path.join(rehearsal.runnerTemp, `output-${++outputFiles}`);
      await writeFile(outputFile, '');
      const env = {
        ...baseEnv,
        GITHUB_OUTPUT: outputFile,
        ...(actionPath ? { GITHUB_ACTION_PATH: actionPath } : {}),
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, substitute(value, context, failed)])),
      };
      const given = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([key, value]) => [key, substitute(String(value), context, failed)]),
      );
      if (step.run !== undefined) {
        const why = rehearsal.skip?.find((rule) => rule.run.test(step.run ?? ''))?.why;
        if (why) {
          skipped.push(`${step.run.split('\n')[0]}: ${why}`);
          continue;
        }
        const cwd = step['working-directory']
          ? path.resolve(rehearsal.workspace, substitute(step['working-directory'], context))
          : rehearsal.workspace;
        if ((await bash(step.run, cwd, env)) !== 0) failed = true;
        if (step.id) outputs[step.id] = { outputs: readOutputs(await readFile(outputFile, 'utf8')) };
        continue;
      }
      const uses = step.uses ?? '';
      const [name] = uses.split('@');
      if (name === 'actions/checkout') skipped.push(`${uses}: the workspace is the checkout`);
      else if (name === 'actions/setup-node') skipped.push(`${uses}: this Node (${process.version}) is first on PATH`);
      else if (name === 'actions/upload-artifact' || name === 'actions/upload-pages-artifact') {
        const artifact = name === 'actions/upload-pages-artifact' ? 'github-pages' : (given.name ?? 'artifact');
        await cp(path.resolve(rehearsal.workspace, given.path ?? ''), path.join(rehearsal.artifacts, artifact), { recursive: true });
      } else if (name === 'actions/cache') {
        const paths = (given.path ?? '')
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean);
        const stored = rehearsal.cacheDir && given.key ? path.join(rehearsal.cacheDir, given.key) : undefined;
        const hit = stored !== undefined && existsSync(stored);
        if (hit) for (const [index, saved] of paths.entries()) await cp(path.join(stored, String(index)), saved, { recursive: true });
        else if (stored) cacheSaves.push({ stored, paths });
        if (step.id) outputs[step.id] = { outputs: { 'cache-hit': String(hit) } };
      } else if (name === 'actions/download-artifact') {
        await cp(path.join(rehearsal.artifacts, given.name ?? 'artifact'), path.resolve(rehearsal.workspace, given.path ?? '.'), {
          recursive: true,
        });
      } else {
        const [repository, ...subPath] = splitAction(name ?? '');
        const root = rehearsal.actions[`${repository}@${uses.split('@')[1]}`];
        if (!root) throw new Error(`the rehearsal has no copy of ${uses}`);
        const folder = path.join(root, ...subPath);
        const action = parse(await readFile(path.join(folder, 'action.yml'), 'utf8')) as {
          inputs?: Record<string, { default?: string }>;
          runs: { steps: Step[] };
        };
        const inputs = Object.fromEntries(
          Object.entries(action.inputs ?? {}).map(([input, spec]) => [input, given[input] ?? substitute(spec.default ?? '', context)]),
        );
        const unknown = Object.keys(given).filter((input) => !(input in inputs));
        if (unknown.length > 0) throw new Error(`${uses} has no input ${unknown.join(', ')}`);
        const inner = { ...context, inputs, github: { ...(context.github as object), action_path: folder } };
        if (!(await runSteps(action.runs.steps, inner, folder))) failed = true;
      }
    }
    return !failed;
  };

  const context: Context = { github, runner: { temp: rehearsal.runnerTemp, os: 'Linux' }, inputs: {} };
  if (!condition(job.if, context, false)) return { ran: false, code: 0, skipped, summary: '' };
  const passed = await runSteps(job.steps, context);
  if (passed)
    for (const { stored, paths } of cacheSaves)
      for (const [index, saved] of paths.entries())
        await cp(saved, path.join(stored, String(index)), { recursive: true, verbatimSymlinks: true });
  return { ran: true, code: passed ? 0 : 1, skipped, summary: await readFile(summaryFile, 'utf8') };
}

/** A step's GITHUB_OUTPUT file: name=value lines (the multi-line form is not used by perfsite's steps). */
function readOutputs(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** owner/repo/sub/path → [owner/repo, sub, path]. */
function splitAction(name: string): string[] {
  const [owner, repo, ...rest] = name.split('/');
  return [`${owner}/${repo}`, ...rest];
}
