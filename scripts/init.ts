/**
 * perfsite init [options]: adds perfsite to the repository in the working directory (src/lib/github/init-project.ts
 * says what), never overwriting a file, and lists what it added and what it left alone.
 */
import { execFile } from 'node:child_process';
import { appendFile, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { simpleGit } from 'simple-git';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { actionFromLockfile, gitignoreAdditions, initFiles, writeNewFiles } from '../src/lib/github/init-project.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';

const run = promisify(execFile);

interface DefaultBranch {
  name: string;
  /** Said when the branch was a guess, with how to change it. */
  assumed?: string;
}

/**
 * The branch GitHub builds from: origin's HEAD as the last fetch saw it, else as origin says now (a clone
 * made before the remote had a branch knows none). Without a remote, the branch checked out now, said.
 */
async function defaultBranch(): Promise<DefaultBranch> {
  const git = simpleGit();
  const originHead = await git.raw(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']).catch(() => '');
  if (originHead.trim()) return { name: originHead.trim().replace(/^origin\//, '') };
  const hasOrigin = (await git.getRemotes().catch(() => [])).some((remote) => remote.name === 'origin');
  if (hasOrigin) {
    // No prompt for credentials and a bounded wait: init must not hang on a remote it cannot read.
    const answer = await run('git', ['ls-remote', '--symref', 'origin', 'HEAD'], {
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      timeout: 20_000,
    }).then(
      ({ stdout }) => stdout,
      () => '',
    );
    const named = /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(answer)?.[1];
    if (named) return { name: named };
  }
  const current = (await git.raw(['branch', '--show-current']).catch(() => '')).trim() || 'main';
  const why = hasOrigin ? 'origin did not say which branch is its default' : 'this repository has no remote to ask';
  return {
    name: current,
    assumed: `the default branch is taken to be ${current} (${why}; a new GitHub repository's is main): if it is another, run init again with --default-branch NAME after deleting perfsite.config.json and .github/workflows/perfsite.yml, or change the branch in both`,
  };
}

/** Appends what .gitignore lacks of perfsite's lines, keeping every line it has. */
async function ignoreLocalFiles(): Promise<string[]> {
  const existing = await readFile('.gitignore', 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const additions = gitignoreAdditions(existing);
  if (additions.length === 0) return [];
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile('.gitignore', `${separator}${additions.map(({ line }) => line).join('\n')}\n`);
  return additions.map(({ line, what }) => `${line} (${what})`);
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
  .github/workflows/perfsite-comment.yml   the pull request comment
and appends /data/ (local runs) and /dist/ (the site) to .gitignore where it lacks them.`,
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
      description:
        "the branch that is recorded and pushed (default: origin's default branch, asked\nof origin when needed; without a remote, the current branch, said)",
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
    const branch = values['default-branch'] !== undefined ? { name: values['default-branch'] } : await defaultBranch();
    const files = initFiles({
      action,
      defaultBranch: branch.name,
      ...(values.tool && values['output-file-path'] && values.command
        ? { tool: { name: values.tool, outputFile: values['output-file-path'], command: values.command } }
        : {}),
    });
    const { added, kept } = await writeNewFiles(process.cwd(), files);
    for (const file of added) console.log(`added ${file.path}: ${file.what}`);
    for (const file of kept) console.log(`kept ${file.path}: it is already there (perfsite init never overwrites)`);
    const ignored = await ignoreLocalFiles();
    if (ignored.length > 0) console.log(`added to .gitignore: ${ignored.join(', ')}`);
    if (branch.assumed && added.length > 0) console.log(`note: ${branch.assumed}`);
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
