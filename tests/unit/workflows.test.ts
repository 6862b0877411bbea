import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { auditAction, auditWorkflow } from '../../src/lib/github/workflow-audit.ts';
import { buildCacheDir } from '../../src/lib/site/build-cache.ts';
import { PROJECT_ROOT, runScript, tempDir } from '../helpers.ts';

const DIR = '.github/workflows';
const workflows = async () =>
  Promise.all((await readdir(DIR)).map(async (name) => ({ name, text: await readFile(path.join(DIR, name), 'utf8') })));

const PIN = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683';

describe('the workflows', () => {
  it('pass GitHub’s workflow schema and the security rules (npm run lint:workflows)', async () => {
    const result = await runScript('scripts/lint-workflows.ts');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual(
      [...(await readdir(DIR)).map((name) => `${DIR}/${name}: ok`), 'action.yml: ok', 'comment/action.yml: ok'].sort(),
    );
  });

  it('keep every rule: no expression in a script, pinned actions, least privilege, no PR code where a token can write', async () => {
    const all = await workflows();
    expect(all.map((workflow) => workflow.name).sort()).toEqual(['ci.yml', 'nightly-benchmark.yml', 'pr-comment.yml']);
    for (const { name, text } of all) expect(auditWorkflow(name, text)).toEqual([]);
    // The shape the rules rely on: the job that runs PR code is read-only, the one that writes never checks it out.
    const ci = parse(all.find((workflow) => workflow.name === 'ci.yml')?.text ?? '');
    expect(ci.permissions).toEqual({ contents: 'read' });
    const comment = parse(all.find((workflow) => workflow.name === 'pr-comment.yml')?.text ?? '');
    expect(Object.keys(comment.on)).toEqual(['workflow_run']);
    expect(comment.jobs.comment.permissions).toEqual({ actions: 'read', contents: 'read', 'pull-requests': 'write' });
  });

  it('would catch each kind of mistake', () => {
    const workflow = (on: string, job: string) => `on: ${on}\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n${job}`;
    const rules = (text: string) => auditWorkflow('x.yml', text).map((finding) => finding.rule);
    expect(rules(workflow('pull_request', `    steps:\n      - run: echo "\${{ github.head_ref }}"\n`))).toEqual([
      'puts an expression into a run script; pass it through env instead',
    ]);
    expect(rules(workflow('push', `    steps:\n      - uses: actions/checkout@v4\n`))[0]).toMatch(/not pinned to a commit hash/);
    expect(rules(workflow('pull_request', `    permissions:\n      pull-requests: write\n    steps: []\n`))[0]).toMatch(
      /runs pull request code with write permission \(pull-requests\)/,
    );
    // Unless the job can never run for a pull request: then the writes are a push's.
    const guarded = (condition: string) => `    if: ${condition}\n    permissions:\n      contents: write\n    steps: []\n`;
    expect(rules(workflow('[push, pull_request]', guarded("github.event_name == 'push'")))).toEqual([]);
    expect(rules(workflow('[push, pull_request]', guarded(`\${{ !cancelled() && github.event_name == 'push' }}`)))).toEqual([]);
    expect(rules(workflow('[push, pull_request]', guarded("github.event_name == 'push' || true")))[0]).toMatch(
      /runs pull request code with write permission \(contents\)/,
    );
    expect(
      rules(
        workflow(
          'workflow_run',
          `    steps:\n      - uses: ${PIN}\n        with:\n          ref: \${{ github.event.workflow_run.head_sha }}\n`,
        ),
      )[0],
    ).toMatch(/checks out another ref/);
    expect(rules(workflow('workflow_run', `    steps:\n      - run: bash "$REPORT_DIR/script.sh"\n`))[0]).toMatch(
      /runs only npm ci and npm run/,
    );
    expect(rules(workflow('workflow_run', `    steps:\n      - run: npm run github -- comment --pr "$(cat x)"\n`))[0]).toMatch(
      /runs only npm ci and npm run/,
    );
    expect(rules('on: push\njobs: {}\n')).toEqual(['declares no default permissions (add `permissions: {}` or `contents: read`)']);
    // A job that may write keeps its token away from install scripts and benchmarks.
    const writer = `    permissions:\n      contents: write\n    steps:\n      - uses: ${PIN}\n      - run: npm ci\n`;
    expect(rules(workflow('schedule', writer))).toEqual([
      'checks out with its contents token left in .git/config; set persist-credentials: false',
      "runs dependencies' install scripts in a job that may write (contents); use npm ci --ignore-scripts, or split the job",
    ]);
    const careful = `    permissions:\n      contents: write\n    steps:\n      - uses: ${PIN}\n        with:\n          persist-credentials: false\n      - run: npm ci --ignore-scripts\n`;
    expect(rules(workflow('schedule', careful))).toEqual([]);
  });

  const workflow = (on: string, job: string) => `on: ${on}\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n${job}`;
  const rules = (text: string) => auditWorkflow('x.yml', text).map((finding) => finding.rule);
  const DOWNLOAD = 'actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16';

  it.each([
    [
      'an if: that is always true, text around its expression',
      workflow(
        '[push, pull_request]',
        `    if: \${{ github.event_name == 'pull_request' }} && github.event_name == 'push'\n    permissions:\n      contents: write\n    steps: []\n`,
      ),
      /an if: with text around its \$\{\{ \}\}, a string that is true for every event|runs pull request code with write permission/,
    ],
    [
      'two expressions joined by text in one if:',
      workflow(
        '[push, pull_request]',
        `    if: \${{ false }} || \${{ github.event_name == 'push' }}\n    permissions:\n      contents: write\n    steps: []\n`,
      ),
      /runs pull request code with write permission/,
    ],
    [
      "a pull request's title in github-script's script, under pull_request_target",
      workflow(
        'pull_request_target',
        `    steps:\n      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea\n        with:\n          script: console.log("\${{ github.event.pull_request.title }}")\n`,
      ),
      /puts an expression into the script input/,
    ],
    [
      "a branch name in another step's input",
      workflow('pull_request', `    steps:\n      - uses: ${PIN}\n        with:\n          ref: \${{ github.head_ref }}\n`),
      /passes a stranger's text into its ref input/,
    ],
    [
      'an artifact downloaded into the workspace of a workflow_run job that then builds',
      workflow('workflow_run', `    steps:\n      - uses: ${DOWNLOAD}\n        with:\n          name: site\n      - run: npm run build\n`),
      /downloads an artifact into the workspace of a privileged workflow/,
    ],
    [
      'npm run ab with an install and a command, in a privileged job',
      workflow('workflow_run', `    steps:\n      - run: npm run ab -- --install main HEAD -- node evil.js\n`),
      /runs only npm ci and npm run of its own code that runs no given command/,
    ],
    [
      'an unpinned reusable workflow given every secret',
      `on: push\npermissions: {}\njobs:\n  j:\n    uses: acme/workflows/.github/workflows/bench.yml@main\n    secrets: inherit\n`,
      /calls the reusable workflow acme\/workflows\/.github\/workflows\/bench.yml@main, not pinned to a commit hash/,
    ],
    [
      'an unpinned container and service image',
      workflow('push', `    container: node:24\n    services:\n      db:\n        image: postgres:16\n    steps: []\n`),
      /runs the image (node:24|postgres:16), not pinned to a digest/,
    ],
    [
      'a checkout with a personal token, left in .git/config, then install scripts',
      workflow(
        'push',
        `    permissions:\n      contents: read\n    steps:\n      - uses: ${PIN}\n        with:\n          token: \${{ secrets.PAT }}\n      - run: npm ci\n`,
      ),
      /checks out with its its checkout token token left in .git\/config|runs dependencies' install scripts in a job that may write \(its checkout token\)/,
    ],
  ])('finds %s', (_what, text, rule) => {
    const found = rules(text);
    expect(
      found.some((one) => rule.test(one)),
      found.join('\n'),
    ).toBe(true);
  });

  it('passes the same workflows written safely', () => {
    expect(
      rules(
        workflow(
          '[push, pull_request]',
          `    if: \${{ github.event_name == 'push' }}\n    permissions:\n      contents: write\n    steps: []\n`,
        ),
      ),
    ).toEqual([]);
    expect(
      rules(
        workflow(
          'workflow_run',
          `    steps:\n      - uses: ${DOWNLOAD}\n        with:\n          name: site\n          path: \${{ runner.temp }}/site\n      - run: npm run github -- comment --pr 1\n`,
        ),
      ),
    ).toEqual([]);
    expect(rules(workflow('push', `    container: node:24@sha256:${'a'.repeat(64)}\n    steps: []\n`))).toEqual([]);
  });

  it('hold the nightly run to the split: benchmarks without a write token, pushes without install scripts, Pages apart', async () => {
    const nightly = parse((await workflows()).find((workflow) => workflow.name === 'nightly-benchmark.yml')?.text ?? '');
    expect(nightly.jobs.benchmark.permissions).toEqual({ contents: 'read' });
    expect(nightly.jobs.publish.permissions).toEqual({ contents: 'write', issues: 'write' });
    expect(nightly.jobs.site.permissions).toEqual({ contents: 'read', pages: 'read' });
    expect(nightly.jobs.deploy.steps.map((step: { uses?: string }) => step.uses?.split('@')[0])).toEqual(['actions/deploy-pages']);
    for (const job of Object.values(nightly.jobs) as Array<{ steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>) {
      for (const step of job.steps.filter((each) => each.uses?.startsWith('actions/checkout@'))) {
        expect(step.with?.['persist-credentials']).toBe(false);
      }
    }
  });

  it('hold the composite action to the same rules, and action.yml passes them', async () => {
    const bad = `runs:
  using: composite
  steps:
    - uses: actions/setup-node@v4
    - run: echo "\${{ inputs.tool }}"
`;
    expect(auditAction('action.yml', bad).map((finding) => finding.rule)).toEqual([
      'uses actions/setup-node@v4, not pinned to a commit hash',
      'puts an expression into a run script; pass it through env instead',
      'runs a script without a shell (a composite step must name one)',
    ]);
    expect(auditAction('action.yml', await readFile(path.join(PROJECT_ROOT, 'action.yml'), 'utf8'))).toEqual([]);
  });

  it("hold the README's adoption example to them too, once its placeholder is a commit", async () => {
    const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const example = readme.slice(readme.indexOf('## In another repository')).match(/```yaml\n([\s\S]*?)```/)?.[1] ?? '';
    expect(example).toContain('uses: OWNER/perfsite@COMMIT');
    const workflow = `name: bench\npermissions:\n  contents: read\n${example.replace('OWNER/perfsite@COMMIT', `owner/perfsite@${'a'.repeat(40)}`)}`;
    expect(auditWorkflow('README.md', workflow)).toEqual([]);
    expect(parse(workflow).jobs.bench.steps.at(-1).with).toMatchObject({ tool: 'hyperfine', 'output-file-path': 'bench.json' });
  });

  it('keep the site build cache between nightly runs, where the build looks for it, restored before the build', async () => {
    const nightly = parse((await workflows()).find((workflow) => workflow.name === 'nightly-benchmark.yml')?.text ?? '');
    const steps: Array<{ uses?: string; name?: string; with?: Record<string, string> }> = nightly.jobs.site.steps;
    const cacheAt = steps.findIndex((step) => step.uses?.startsWith('actions/cache@'));
    const buildAt = steps.findIndex((step) => step.name === 'Build the site');
    const restoreAt = steps.findIndex((step) => step.name === 'Restore the history');
    expect(cacheAt).toBeGreaterThan(restoreAt);
    expect(cacheAt).toBeLessThan(buildAt);
    const historyDir = nightly.jobs.site.env.PERFORMANCE_DB_PATH;
    expect(path.resolve(steps[cacheAt]?.with?.path ?? '')).toBe(buildCacheDir(path.resolve(historyDir), {}));
  });

  it('lint:workflows names the file, line and fix of a schema error', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'broken.yml');
    await writeFile(
      file,
      'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permisions: {}\n    steps:\n      - run: echo hi\n',
    );
    const result = await runScript('scripts/lint-workflows.ts', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}: ${file} (Line: 6, Col: 5): Unexpected value 'permisions'`);
  });
});
