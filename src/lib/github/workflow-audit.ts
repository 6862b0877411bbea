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
 * - a job that may write (any write permission, or an OIDC token) never leaves its token where
 *   dependencies and benchmarks can read it: it checks out with `persist-credentials: false` and runs
 *   `npm ci` only with `--ignore-scripts`.
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

/** Whether a job condition can only hold for events other than a pull request's: `… && github.event_name == 'push'`. */
function notForPullRequests(condition: string | undefined): boolean {
  const expression = (condition ?? '').trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  if (expression.includes('||')) return false;
  return expression.split('&&').some((part) => /^github\.event_name\s*==\s*'(?:push|schedule|workflow_dispatch)'$/.test(part.trim()));
}

const PINNED = /^[^@\s]+@[0-9a-f]{40}$/;
/** npm ci, or npm run with plain arguments: no command substitution, pipes, redirections or chaining. */
const PRIVILEGED_COMMAND = /^npm (ci( --ignore-scripts)?|run [a-z:-]+( --[^;&|`<>()]*)?)$/;

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
    const granted = writes(job.permissions);
    const mayWrite = granted.length > 0;
    if (runsPullRequestCode && granted.length > 0 && !notForPullRequests(job.if)) {
      find(`job ${jobId}`, `runs pull request code with write permission (${granted.join(', ')})`);
    }
    for (const [index, step] of (job.steps ?? []).entries()) {
      const where = `job ${jobId}, step ${step.name ?? step.uses ?? index + 1}`;
      if (step.run?.includes('${{')) find(where, 'puts an expression into a run script; pass it through env instead');
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
          if (!PRIVILEGED_COMMAND.test(line))
            find(where, `runs \`${line}\`; a privileged workflow runs only npm ci and npm run of its own code`);
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
