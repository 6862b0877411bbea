/**
 * What `perfsite init` adds to a repository: a config, a sample suite (or the user's own benchmark command),
 * the workflow that runs the benchmarks through perfsite's action, and the one that comments on pull
 * requests. Every generated workflow keeps the rules of workflow-audit.ts; the files are only ever created,
 * never overwritten.
 */
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { FILE_FORMATS, GITHUB_ACTION_BENCHMARK_TOOLS } from '../importers/formats.ts';
import { UsageError } from '../shared/errors.ts';

/** The pins perfsite's own workflows use; the generated ones take the same. */
const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';
const DEPLOY_PAGES = 'actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e # v4.0.5';

/** An action reference a workflow may use: owner/repository[/path]@full commit hash. */
const ACTION_REF = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}@[0-9a-f]{40}$/;

export interface InitOptions {
  /** Where perfsite's action lives, pinned: OWNER/REPO@COMMIT. */
  action: string;
  defaultBranch: string;
  /** The user's own benchmark: the tool that writes the file, the file, and the command that writes it. */
  tool?: { name: string; outputFile: string; command: string };
}

export interface InitFile {
  path: string;
  content: string;
  what: string;
}

/**
 * Where the installed perfsite came from, when npm installed it from GitHub (`npm install OWNER/perfsite#…`):
 * package-lock.json records the repository and the exact commit, which is what a workflow must pin.
 */
export function actionFromLockfile(lockfile: unknown): string | undefined {
  const entry = (lockfile as { packages?: Record<string, { resolved?: unknown }> } | undefined)?.packages?.['node_modules/perfsite'];
  const resolved = typeof entry?.resolved === 'string' ? entry.resolved : '';
  const match = /github\.com[/:]([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?#([0-9a-f]{40})$/.exec(resolved);
  return match ? `${match[1]}/${match[2]}@${match[3]}` : undefined;
}

/** A value as a YAML double-quoted scalar (JSON's string syntax is a subset of it). */
const yamlString = (value: string): string => JSON.stringify(value);

function checkOptions(options: InitOptions): void {
  if (!ACTION_REF.test(options.action))
    throw new UsageError(`--action ${JSON.stringify(options.action)} is not OWNER/REPO@COMMIT (a full 40-character commit hash)`);
  if (!/^[A-Za-z0-9._/-]+$/.test(options.defaultBranch) || options.defaultBranch.includes('..'))
    throw new UsageError(`--default-branch ${JSON.stringify(options.defaultBranch)} is not a branch name`);
  const tool = options.tool;
  if (!tool) return;
  const known = [...Object.keys(FILE_FORMATS), ...Object.keys(GITHUB_ACTION_BENCHMARK_TOOLS), 'auto'];
  if (!known.includes(tool.name) || GITHUB_ACTION_BENCHMARK_TOOLS[tool.name] === null)
    throw new UsageError(`--tool ${JSON.stringify(tool.name)} is not a format perfsite reads; one of: ${known.join(', ')}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is refused
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(tool.command) || tool.command.trim() === '')
    throw new UsageError('--command must be a shell command without control characters');
  if (tool.command.includes('${{'))
    throw new UsageError(`--command holds \${{ … }}: a workflow must not splice expressions into a script; use an env: variable`);
  if (tool.outputFile.trim() === '' || /[\r\n]/.test(tool.outputFile)) throw new UsageError('--output-file-path must be one line');
}

/** A script as YAML: a literal block where its lines allow one (none indented), a quoted string otherwise. */
function runScalar(command: string): string {
  const lines = command.replace(/\n+$/, '').split('\n');
  if (lines.some((line) => /^\s/.test(line))) return yamlString(command);
  return `|\n${lines.map((line) => (line ? `          ${line}` : '')).join('\n')}`;
}

function benchmarkSteps(options: InitOptions, pushes: boolean): string {
  const checkout = `      - uses: ${CHECKOUT}
        with:
          persist-credentials: false # ${pushes ? 'the action uses github-token for its one push' : 'nothing here needs the token'}
`;
  const what = options.tool
    ? `          tool: ${yamlString(options.tool.name)}
          output-file-path: ${yamlString(options.tool.outputFile)}
`
    : `          suites: bench # runs bench/*.suite.ts, as \`perfsite bench\` does
`;
  const site = pushes ? `          build-site: true # and uploads it for the pages job\n` : '';
  const benchmark = options.tool ? `      - name: Benchmarks\n        run: ${runScalar(options.tool.command)}\n` : '';
  return `${checkout}${benchmark}      - uses: ${options.action}
        with:
${what}${site}`;
}

function benchmarkWorkflow(options: InitOptions): string {
  return `# Written by \`perfsite init\`. Benchmarks every push to ${options.defaultBranch} and every pull request.
# The steps appear twice, so that a pull request's code never runs with a token that may write:
# \`record\` (${options.defaultBranch} only) pushes each run to the perf-history branch; \`pull-request\` only
# judges the run and leaves the report for perfsite-comment.yml. Change both alike.
# \`pages\` publishes the site: enable GitHub Pages with "GitHub Actions" as its source (Settings → Pages).
name: perfsite

on:
  push:
    branches: [${yamlString(options.defaultBranch)}]
  pull_request:

permissions: {}

jobs:
  record:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    timeout-minutes: 60
    # One push of the history branch at a time; a run that waits is queued, never cancelled, so no run is lost.
    concurrency:
      group: perfsite-history
      cancel-in-progress: false
    permissions:
      contents: write # the perf-history branch
    steps:
${benchmarkSteps(options, true)}
  pull-request:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    timeout-minutes: 60
    permissions:
      contents: read
    steps:
${benchmarkSteps(options, false)}
  pages:
    needs: record
    if: \${{ !cancelled() && github.event_name == 'push' }}
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: \${{ steps.deploy.outputs.page_url }}
    steps:
      - id: deploy
        uses: ${DEPLOY_PAGES}
`;
}

function commentWorkflow(options: InitOptions): string {
  const commentAction = options.action.replace('@', '/comment@');
  return `# Written by \`perfsite init\`. Posts the report of a pull request's benchmark run as one comment, updated
# on every push. It runs with a token that may comment, so it runs none of the pull request's code: the
# action reads only the report the run left, and posts it only to the pull request whose head is the
# commit GitHub says the run was made on.
name: perfsite-comment

on:
  workflow_run:
    workflows: [perfsite]
    types: [completed]

permissions: {}

jobs:
  comment:
    if: github.event.workflow_run.event == 'pull_request'
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      actions: read
      pull-requests: write
    steps:
      - uses: ${commentAction}
`;
}

/** `.mts`: an ES module whatever package.json's "type" says (npm init writes "commonjs"). */
export const SAMPLE_SUITE_PATH = 'bench/sample.suite.mts';

/** A suite that measures something real with nothing installed, as a starting point to replace. */
const SAMPLE_SUITE = `/**
 * A sample perfsite suite (written by \`perfsite init\`): replace what it measures with your own code.
 * \`npx perfsite bench\` runs every bench/*.suite.ts and records one run; the perfsite workflow does the
 * same on every push and pull request. Each sample() call measures every metric once; the recorded value
 * is the median of the samples. The import is of types only: Node erases it, so the workflow runs this file
 * with nothing installed.
 */
import type { Suite } from 'perfsite/suite';

const SIZE = 100_000;
/** Fewer objects than numbers: 100,000 of them fill the young generation and bring full collections into samples. */
const OBJECTS = 20_000;

/**
 * The fastest of a few timings: garbage collection and the scheduler only ever add time, so the minimum is
 * the stablest figure of one sample (the recorded value is then the median over samples).
 */
function seconds(work: () => void, repeats = 5): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = process.hrtime.bigint();
    work();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return fastest;
}

interface State {
  numbers: Float64Array;
  objects: object[];
}

function measure(state: State) {
  return {
    'sort-numbers': seconds(() => state.numbers.slice().sort()),
    'json-round-trip': seconds(() => JSON.parse(JSON.stringify(state.objects))),
  };
}

type Metric = keyof ReturnType<typeof measure>;

export default {
  name: 'sample',
  description: 'Sorting and JSON round trips of generated data: a starting point, not a measure of your project.',
  metrics: {
    'sort-numbers': { unit: 's', direction: 'lower', description: \`Float64Array sort of \${SIZE} numbers\` },
    'json-round-trip': { unit: 's', direction: 'lower', description: \`JSON.stringify then JSON.parse of \${OBJECTS} small objects\` },
  },
  samples: { quick: 5, standard: 10, comprehensive: 30 },
  async setup() {
    // The same numbers in every run (a multiplicative hash, not Math.random): each run times the same work.
    const numbers = Float64Array.from({ length: SIZE }, (_, index) => ((index * 2654435761) % 2 ** 32) / 2 ** 32);
    const objects = Array.from(numbers.subarray(0, OBJECTS), (value, index) => ({ index, value, label: \`item \${index}\` }));
    const state = { numbers, objects };
    // A few rounds unmeasured, so that no sample times the compiler warming up.
    for (let round = 0; round < 3; round++) measure(state);
    return state;
  },
  async sample(state: State) {
    return measure(state);
  },
} satisfies Suite<Metric, State>;
`;

export function initFiles(options: InitOptions): InitFile[] {
  checkOptions(options);
  const config = { defaultBranch: options.defaultBranch, baselineWindow: 5, threshold: 0.2 };
  return [
    {
      path: 'perfsite.config.json',
      content: `${JSON.stringify(config, null, 2)}\n`,
      what: `the branch baselines come from, their window, and the 20 % regression threshold`,
    },
    ...(options.tool ? [] : [{ path: SAMPLE_SUITE_PATH, content: SAMPLE_SUITE, what: 'a sample suite: replace what it measures' }]),
    {
      path: '.github/workflows/perfsite.yml',
      content: benchmarkWorkflow(options),
      what: options.tool
        ? `runs \`${options.tool.command.split('\n')[0]}\` and perfsite's action on pushes to ${options.defaultBranch} and on pull requests`
        : `runs the suites in bench/ through perfsite's action on pushes to ${options.defaultBranch} and on pull requests`,
    },
    {
      path: '.github/workflows/perfsite-comment.yml',
      content: commentWorkflow(options),
      what: "posts each pull request's report as one comment",
    },
  ];
}

/** What a project's .gitignore must hold for perfsite: local runs and the built site are not the project's code. */
const IGNORED = [
  { line: '/data/', what: 'the runs recorded here (CI keeps the history on the perf-history branch)' },
  { line: '/dist/', what: 'the built site' },
];

/**
 * The lines to append to a .gitignore holding `existing` (empty when there is none): each of IGNORED that no
 * line of it already names, in any of git's spellings (data, data/, /data, /data/).
 */
export function gitignoreAdditions(existing: string): Array<{ line: string; what: string }> {
  const present = new Set(existing.split(/\r?\n/).map((line) => line.trim().replace(/^\//, '').replace(/\/$/, '')));
  return IGNORED.filter(({ line }) => !present.has(line.replaceAll('/', '')));
}

/** Creates each file that is not there yet; one that is, is left as it is and reported as kept. */
export async function writeNewFiles(root: string, files: readonly InitFile[]): Promise<{ added: InitFile[]; kept: InitFile[] }> {
  const added: InitFile[] = [];
  const kept: InitFile[] = [];
  for (const file of files) {
    const target = path.join(root, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      // 'wx': created here or not at all, even if another process writes the same path meanwhile.
      const handle = await open(target, 'wx');
      await handle.writeFile(file.content);
      await handle.close();
      added.push(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      kept.push(file);
    }
  }
  return { added, kept };
}
