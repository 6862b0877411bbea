/**
 * perfsite init [options]: adds perfsite to the repository in the working directory (src/lib/github/init-project.ts
 * says what), never overwriting a file, and lists what it added and what it left alone.
 */
import { readFile } from 'node:fs/promises';
import { simpleGit } from 'simple-git';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { actionFromLockfile, initFiles, writeNewFiles } from '../src/lib/github/init-project.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';

async function defaultBranch(): Promise<string> {
  const git = simpleGit();
  const originHead = await git.raw(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']).catch(() => '');
  if (originHead.trim()) return originHead.trim().replace(/^origin\//, '');
  // No remote yet: the branch checked out now, as a new repository's first branch is its default.
  const current = await git.raw(['branch', '--show-current']).catch(() => '');
  return current.trim() || 'main';
}

async function installedAction(): Promise<string | undefined> {
  const lockfile = await readFile('package-lock.json', 'utf8').catch(() => undefined);
  if (lockfile === undefined) return undefined;
  try {
    return actionFromLockfile(JSON.parse(lockfile));
  } catch {
    return undefined;
  }
}

export const command = defineCommand({
  usage: 'npx perfsite init [options]',
  about: `Adds to this repository, never overwriting a file:
  perfsite.config.json                     the analysis settings
  bench/sample.suite.mts                   a sample suite (not with --tool)
  .github/workflows/perfsite.yml           benchmarks on pushes to the default branch and on pull requests
  .github/workflows/perfsite-comment.yml   the pull request comment`,
  options: {
    action: {
      type: 'string',
      value: 'OWNER/REPO@COMMIT',
      description:
        "perfsite's action, pinned (default: where npm installed perfsite from, when\nthat was GitHub: npm install --save-dev OWNER/perfsite#COMMIT)",
    },
    'default-branch': {
      type: 'string',
      value: 'NAME',
      description: "the branch that is recorded and pushed (default: origin's HEAD, else the current branch)",
    },
    tool: {
      type: 'string',
      value: 'NAME',
      description:
        "your benchmark tool's format instead of the sample suite (hyperfine, cargo,\ngooglecpp, pytest, go, bmf… or auto); with --output-file-path and --command",
    },
    'output-file-path': { type: 'string', value: 'FILE', description: 'the file the tool writes' },
    command: { type: 'string', value: 'CMD', description: 'the command that runs your benchmarks and writes that file' },
  },
  more: `Examples:
  npx perfsite init
  npx perfsite init --tool hyperfine --output-file-path bench.json --command "hyperfine --export-json bench.json './app --fast'"`,
  async run({ values }) {
    const toolParts = [values.tool, values['output-file-path'], values.command];
    if (toolParts.some((part) => part !== undefined) && !toolParts.every((part) => part !== undefined))
      throw new UsageError('--tool, --output-file-path and --command go together: the format, the file, and the command that writes it');
    const action = values.action ?? (await installedAction());
    if (!action)
      throw new UsageError(
        'cannot tell which commit of perfsite the workflows should use (it was not installed from GitHub): give --action OWNER/REPO@COMMIT',
      );
    const files = initFiles({
      action,
      defaultBranch: values['default-branch'] ?? (await defaultBranch()),
      ...(values.tool && values['output-file-path'] && values.command
        ? { tool: { name: values.tool, outputFile: values['output-file-path'], command: values.command } }
        : {}),
    });
    const { added, kept } = await writeNewFiles(process.cwd(), files);
    for (const file of added) console.log(`added ${file.path}: ${file.what}`);
    for (const file of kept) console.log(`kept ${file.path}: it is already there (perfsite init never overwrites)`);
    if (added.length === 0) {
      console.log('nothing added');
      return EXIT.ok;
    }
    const local = values.tool ? 'your benchmark command, then `npx perfsite import --format auto FILE`' : '`npx perfsite bench`';
    console.log(
      `next: commit these files; each push to the default branch adds a run to the perf-history branch. Here: ${local}, then \`npx perfsite dev\`.`,
    );
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
