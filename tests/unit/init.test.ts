/**
 * `perfsite init`'s files on their own: whatever the command, the workflows parse back to it and keep the
 * audit's rules; what cannot be written safely is refused with what to do. tests/e2e/package.test.ts runs them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { initFiles, writeNewFiles } from '../../src/lib/github/init-project.ts';
import { auditWorkflow } from '../../src/lib/github/workflow-audit.ts';
import { runCommand, tempDir } from '../helpers.ts';

const ACTION = `acme/perfsite@${'1'.repeat(40)}`;

describe('perfsite init', () => {
  it.each([
    `hyperfine --export-json out.json 'sleep "$DELAY"'`,
    'cargo bench -- --output-format bencher | tee out.txt # keep: the log',
    'go test -bench . -count 5 > out.txt\n\ncat out.txt\n',
    '  indented: {first} [line]\n- second: *alias &anchor !tag',
    'echo "---" && echo \'...\' && echo "\\u0041 \\n"',
  ])('writes the benchmark command as it is, in a workflow that keeps every rule: %j', (command) => {
    const files = initFiles({ action: ACTION, defaultBranch: 'main', tool: { name: 'auto', outputFile: 'out: "x".json', command } });
    const text = files.find((file) => file.path === '.github/workflows/perfsite.yml')?.content ?? '';
    const workflow = parse(text);
    for (const job of ['record', 'pull-request']) {
      const steps = workflow.jobs[job].steps as Array<{ run?: string; uses?: string; with?: Record<string, string> }>;
      expect(steps.find((step) => step.run)?.run?.trimEnd()).toBe(command.trimEnd());
      expect(steps.find((step) => step.uses === ACTION)?.with?.['output-file-path']).toBe('out: "x".json');
    }
    expect(auditWorkflow('perfsite.yml', text)).toEqual([]);
    const comment = files.find((file) => file.path === '.github/workflows/perfsite-comment.yml')?.content ?? '';
    expect(auditWorkflow('perfsite-comment.yml', comment)).toEqual([]);
    expect(parse(comment).jobs.comment.steps).toEqual([{ uses: `acme/perfsite/comment@${'1'.repeat(40)}` }]);
  });

  it('refuses what it cannot write safely, and says what to do', () => {
    const tool = (command: string, name = 'hyperfine') => ({ name, outputFile: 'out.json', command });
    expect(() => initFiles({ action: 'acme/perfsite@v1', defaultBranch: 'main' })).toThrow(/full 40-character commit hash/);
    expect(() => initFiles({ action: ACTION, defaultBranch: 'main"; rm -rf /' })).toThrow(/is not a branch name/);
    expect(() => initFiles({ action: ACTION, defaultBranch: 'main', tool: tool(`echo \${{ github.head_ref }}`) })).toThrow(
      /use an env: variable/,
    );
    expect(() => initFiles({ action: ACTION, defaultBranch: 'main', tool: tool('echo a\rb') })).toThrow(/without control characters/);
    expect(() => initFiles({ action: ACTION, defaultBranch: 'main', tool: tool('x', 'benchmarkluau') })).toThrow(
      /not a format perfsite reads/,
    );
  });

  it('creates only the files that are not there, and leaves the others as they were', async () => {
    const root = await tempDir();
    const files = initFiles({ action: ACTION, defaultBranch: 'trunk' });
    expect(files.map((file) => file.path)).toEqual([
      'perfsite.config.json',
      'bench/sample.suite.mts',
      '.github/workflows/perfsite.yml',
      '.github/workflows/perfsite-comment.yml',
    ]);
    const first = await writeNewFiles(root, files.slice(1, 2));
    expect(first.added.map((file) => file.path)).toEqual(['bench/sample.suite.mts']);
    const second = await writeNewFiles(root, files);
    expect(second.kept.map((file) => file.path)).toEqual(['bench/sample.suite.mts']);
    expect(second.added).toHaveLength(3);
    expect(JSON.parse(await readFile(path.join(root, 'perfsite.config.json'), 'utf8'))).toMatchObject({ defaultBranch: 'trunk' });
    const workflow = parse(await readFile(path.join(root, '.github/workflows/perfsite.yml'), 'utf8'));
    expect(workflow.on.push.branches).toEqual(['trunk']);
    // Pushes of the history branch queue behind each other; none is cancelled.
    expect(workflow.jobs.record.concurrency).toEqual({ group: 'perfsite-history', 'cancel-in-progress': false });
  });

  it('takes the default branch from origin, asking it when the clone does not know, and says when it guessed', async () => {
    const workflowBranches = async (dir: string) =>
      parse(await readFile(path.join(dir, '.github/workflows/perfsite.yml'), 'utf8')).on.push.branches as string[];

    // git init names the branch master here; with no remote, that is what init takes, and it says so.
    const alone = await tempDir();
    await simpleGit({ baseDir: alone }).init(['--initial-branch=master']);
    const guessed = await runCommand('scripts/init.ts', ['--action', ACTION], { cwd: alone });
    expect(guessed.code, guessed.stderr).toBe(0);
    expect(await workflowBranches(alone)).toEqual(['master']);
    expect(guessed.stdout).toMatch(
      /note: the default branch is taken to be master \(this repository has no remote to ask; a new GitHub repository's is main\): .*--default-branch NAME/,
    );

    // A clone made while the remote was empty knows no origin/HEAD: origin is asked, and says main.
    const scratch = await tempDir();
    const remote = path.join(scratch, 'remote.git');
    await simpleGit().init(true, [remote, '--initial-branch=main']);
    const clone = path.join(scratch, 'clone');
    await simpleGit().clone(remote, clone);
    const pusher = path.join(scratch, 'pusher');
    await simpleGit().clone(remote, pusher);
    const git = simpleGit({ baseDir: pusher });
    await git.addConfig('user.name', 'Test').addConfig('user.email', 'test@example.invalid').addConfig('commit.gpgsign', 'false');
    await writeFile(path.join(pusher, 'README.md'), 'x\n');
    await git.add('README.md').commit('first');
    await git.push('origin', 'HEAD:main');
    await simpleGit({ baseDir: clone }).raw(['checkout', '-b', 'master']);
    const asked = await runCommand('scripts/init.ts', ['--action', ACTION], { cwd: clone });
    expect(asked.code, asked.stderr).toBe(0);
    expect(await workflowBranches(clone)).toEqual(['main']);
    expect(asked.stdout).not.toMatch(/taken to be/);
  });

  it('adds /data/ and /dist/ to .gitignore where it lacks them, keeping every line, once', async () => {
    const dir = await tempDir();
    await simpleGit({ baseDir: dir }).init(['--initial-branch=main']);
    await writeFile(path.join(dir, '.gitignore'), 'node_modules/\ndata');
    const first = await runCommand('scripts/init.ts', ['--action', ACTION], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\ndata\n/dist/\n');
    expect(first.stdout).toContain('added to .gitignore: /dist/ (the built site)');
    const second = await runCommand('scripts/init.ts', ['--action', ACTION], { cwd: dir });
    expect(second.stdout).not.toContain('.gitignore');
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\ndata\n/dist/\n');

    const none = await tempDir();
    await runCommand('scripts/init.ts', ['--action', ACTION], { cwd: none });
    expect(await readFile(path.join(none, '.gitignore'), 'utf8')).toBe('/data/\n/dist/\n');
  });
});
