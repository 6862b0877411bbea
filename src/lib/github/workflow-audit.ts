/**
 * The rules perfsite's workflows keep, checked on the YAML so that an edit cannot quietly break them:
 *
 * - no expression (`${{ … }}`) inside a `run:` script: values reach scripts as environment variables,
 *   so a branch name or a title from a stranger's pull request is never spliced into shell code;
 * - every action pinned to a full commit hash;
 * - permissions declared, read-only unless a job says otherwise;
 * - a workflow that runs pull request code (`pull_request`) is granted no write permission, but in a job
 *   that never runs for a pull request (`if: github.event_name == 'push'`, say);
 * - a privileged workflow triggered by a pull request's results (`workflow_run`, `pull_request_target`)
 *   never checks out another ref than its own, and runs only `npm ci` and `npm run …` of its own code;
 * - a job that may write (any write permission, an OIDC token, or a checkout given a token of its own) never
 *   leaves its token where dependencies and benchmarks can read it: it checks out with
 *   `persist-credentials: false` and runs `npm ci` only with `--ignore-scripts`;
 * - an `if:` is one expression: text around a `${{ }}` makes it a non-empty string, true for every event;
 * - a stranger's text (a title, a body, a branch name) is never spliced into a step's input either, and no
 *   expression at all into a script input (actions/github-script's `script:`);
 * - a privileged workflow downloads artifacts only outside the workspace (under runner.temp), where they
 *   cannot replace the code it runs, and runs only npm scripts that run no given command (never `ab`, `record`);
 * - reusable workflows and container images are pinned (a commit hash, an image digest).
 */
import { parse } from 'yaml';

export interface AuditFinding {
  file: string;
  where: string;
  rule: string;
}

type Permissions = string | Record<string, string> | undefined;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
}

interface Job {
  if?: string;
  permissions?: Permissions;
  steps?: Step[];
  /** A reusable workflow, owner/repo/path@ref. */
  uses?: string;
  container?: string | { image?: string };
  services?: Record<string, string | { image?: string }>;
}

interface Workflow {
  on?: unknown;
  permissions?: Permissions;
  jobs?: Record<string, Job>;
}

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  if (on && typeof on === 'object') return Object.keys(on);
  return [];
}

function writes(permissions: Permissions): string[] {
  if (permissions === undefined) return [];
  if (typeof permissions === 'string') return permissions === 'write-all' ? ['write-all'] : [];
  return Object.entries(permissions)
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope);
}

/**
 * An `if:` with text outside its `${{ }}` (`${{ a }} && b`) is a string template: GitHub evaluates it to a
 * non-empty string, which is true whatever the event.
 */
function alwaysTrue(condition: string | undefined): boolean {
  const text = (condition ?? '').trim();
  // One expression is `${{`, anything but `}}`, then `}}` and nothing more.
  return text.includes('${{') && !/^\$\{\{(?:(?!\}\})[\s\S])*\}\}$/.test(text);
}

/** Whether a job condition can only hold for events other than a pull request's: `… && github.event_name == 'push'`. */
function notForPullRequests(condition: string | undefined): boolean {
  if (alwaysTrue(condition)) return false;
  const expression = (condition ?? '').trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  if (expression.includes('||')) return false;
  return expression.split('&&').some((part) => /^github\.event_name\s*==\s*'(?:push|schedule|workflow_dispatch)'$/.test(part.trim()));
}

const PINNED = /^[^@\s]+@[0-9a-f]{40}$/;
/** An image pinned by its digest. */
const PINNED_IMAGE = /@sha256:[0-9a-f]{64}$/;
/** npm ci, or npm run with plain arguments: no command substitution, pipes, redirections or chaining. */
const PRIVILEGED_COMMAND = /^npm (ci( --ignore-scripts)?|run ([a-z:-]+)( --[^;&|`<>()]*)?)$/;
/** perfsite's scripts that run no command given to them, the only ones a privileged workflow may run. */
const PRIVILEGED_SCRIPTS = new Set([
  'github',
  'history',
  'report',
  'check',
  'regressions',
  'compact',
  'validate',
  'build',
  'stats',
  'export',
  'lint:workflows',
]);
/**
 * Contexts a stranger writes: a pull request's or an issue's title and body, a branch name, a commit message,
 * a comment. They reach a step only through env:, quoted by the shell as data.
 */
const UNTRUSTED_CONTEXT =
  /github\.(head_ref|event\.(pull_request\.(title|body|head\.(ref|label))|issue\.(title|body)|comment\.body|review\.body|review_comment\.body|head_commit\.(message|author)|commits|pages|workflow_run\.(head_branch|display_title|head_commit)|discussion\.(title|body)))/;

export function auditWorkflow(file: string, text: string): AuditFinding[] {
  const workflow = parse(text) as Workflow;
  const findings: AuditFinding[] = [];
  const find = (where: string, rule: string) => findings.push({ file, where, rule });
  const on = triggers(workflow.on);
  const runsPullRequestCode = on.includes('pull_request');
  const privileged = on.includes('workflow_run') || on.includes('pull_request_target');

  if (workflow.permissions === undefined) find('workflow', 'declares no default permissions (add `permissions: {}` or `contents: read`)');
  else if (writes(workflow.permissions).length > 0) find('workflow', 'grants write permissions to every job; grant them per job');

  for (const [jobId, job] of Object.entries(workflow.jobs ?? {})) {
    // A checkout given a token of its own (a personal token) can write whatever the permissions say.
    const ownToken = (job.steps ?? []).some((step) => step.uses?.startsWith('actions/checkout@') && step.with?.token !== undefined);
    const granted = [...writes(job.permissions), ...(ownToken ? ['its checkout token'] : [])];
    const mayWrite = granted.length > 0;
    if (alwaysTrue(job.if)) find(`job ${jobId}`, `has an if: with text around its \${{ }}, a string that is true for every event`);
    if (job.uses && !job.uses.startsWith('./') && !PINNED.test(job.uses))
      find(`job ${jobId}`, `calls the reusable workflow ${job.uses}, not pinned to a commit hash`);
    const images = [
      ...(job.container ? [typeof job.container === 'string' ? job.container : job.container.image] : []),
      ...Object.values(job.services ?? {}).map((service) => (typeof service === 'string' ? service : service.image)),
    ].filter((image): image is string => typeof image === 'string');
    for (const image of images)
      if (!PINNED_IMAGE.test(image)) find(`job ${jobId}`, `runs the image ${image}, not pinned to a digest (@sha256:…)`);
    if (runsPullRequestCode && granted.length > 0 && !notForPullRequests(job.if)) {
      find(`job ${jobId}`, `runs pull request code with write permission (${granted.join(', ')})`);
    }
    for (const [index, step] of (job.steps ?? []).entries()) {
      const where = `job ${jobId}, step ${step.name ?? step.uses ?? index + 1}`;
      if (step.run?.includes('${{')) find(where, 'puts an expression into a run script; pass it through env instead');
      for (const [input, value] of Object.entries(step.with ?? {})) {
        if (typeof value !== 'string' || !value.includes('${{')) continue;
        if (input === 'script') find(where, `puts an expression into the script input; pass it through env instead`);
        else if (UNTRUSTED_CONTEXT.test(value))
          find(where, `passes a stranger's text into its ${input} input; pass it through env instead`);
      }
      if (
        privileged &&
        step.uses?.startsWith('actions/download-artifact@') &&
        !String(step.with?.path ?? '').startsWith(`\${{ runner.temp }}`)
      )
        find(
          where,
          `downloads an artifact into the workspace of a privileged workflow, where it can replace the code run next; download it under \${{ runner.temp }}`,
        );
      if (step.uses && !step.uses.startsWith('./') && !PINNED.test(step.uses))
        find(where, `uses ${step.uses}, not pinned to a commit hash`);
      if (
        privileged &&
        step.uses?.startsWith('actions/checkout@') &&
        (step.with?.ref !== undefined || step.with?.repository !== undefined)
      ) {
        find(where, 'checks out another ref or repository in a privileged workflow (pull request code must never run here)');
      }
      if (privileged && step.run !== undefined) {
        for (const line of step.run
          .split('\n')
          .map((part) => part.trim())
          .filter(Boolean)) {
          const script = PRIVILEGED_COMMAND.exec(line)?.[3];
          if (!PRIVILEGED_COMMAND.test(line) || (script !== undefined && !PRIVILEGED_SCRIPTS.has(script)))
            find(where, `runs \`${line}\`; a privileged workflow runs only npm ci and npm run of its own code that runs no given command`);
        }
      }
      if (step.uses?.startsWith('actions/setup-node@') && step.with?.cache !== 'npm') find(where, 'sets up Node without the npm cache');
      if (mayWrite && step.uses?.startsWith('actions/checkout@') && step.with?.['persist-credentials'] !== false)
        find(where, `checks out with its ${granted.join(', ')} token left in .git/config; set persist-credentials: false`);
      if (mayWrite && step.run?.split('\n').some((line) => /^npm ci\b/.test(line.trim()) && !line.includes('--ignore-scripts')))
        find(
          where,
          `runs dependencies' install scripts in a job that may write (${granted.join(', ')}); use npm ci --ignore-scripts, or split the job`,
        );
    }
  }
  return findings;
}

/**
 * A composite action (action.yml) by the same rules as a workflow's steps: actions pinned to a commit, no
 * expression spliced into a run script, and a shell named on every run step (GitHub requires it there).
 */
export function auditAction(file: string, text: string): AuditFinding[] {
  const action = parse(text) as { runs?: { using?: string; steps?: Step[] }; inputs?: Record<string, unknown> };
  const findings: AuditFinding[] = [];
  const find = (where: string, rule: string) => findings.push({ file, where, rule });
  if (action.runs?.using !== 'composite') find('runs', 'is not a composite action');
  for (const [index, step] of (action.runs?.steps ?? []).entries()) {
    const where = `step ${step.name ?? step.uses ?? index + 1}`;
    if (step.run?.includes('${{')) find(where, 'puts an expression into a run script; pass it through env instead');
    if (step.run !== undefined && !step.shell) find(where, 'runs a script without a shell (a composite step must name one)');
    if (step.uses && !step.uses.startsWith('./') && !PINNED.test(step.uses)) find(where, `uses ${step.uses}, not pinned to a commit hash`);
  }
  return findings;
}
