#!/usr/bin/env node
/**
 * perfsite COMMAND [options]: the commands of `npm run …`, for any repository. Run from a project's folder, a
 * command reads that project's perfsite.config.json, data/ and bench/, and writes its site to dist/; perfsite's
 * own pages and dependencies stay where it is installed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, commandFile } from './commands.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `perfsite needs Node 22.18 or newer (this is ${process.version}): actions/setup-node with node-version 24, or nvm install 24.\n`,
  );
  process.exit(2);
}

const [command, ...args] = process.argv.slice(2);
const usage = `Usage: perfsite COMMAND [options]   (perfsite COMMAND --help for a command's options)\n\nCommands: ${Object.keys(COMMANDS).join(', ')}\n`;
if (command === undefined || command === '--help' || command === '-h') {
  process.stdout.write(usage);
  process.exit(command === undefined ? 2 : 0);
}

const project = process.cwd();
const env = {
  ...process.env,
  // A project's suites are TypeScript, which Node runs by stripping types and may warn about, once per process.
  NODE_OPTIONS: [process.env.NODE_OPTIONS ?? '', '--disable-warning=ExperimentalWarning'].join(' ').trim(),
  ...(process.env.PERFORMANCE_DB_PATH ? { PERFORMANCE_DB_PATH: path.resolve(project, process.env.PERFORMANCE_DB_PATH) } : {}),
  // A command's --help then shows `perfsite bench`, not `npm run bench`, which is not a script of this project.
  PERFSITE_PROGRAM: 'perfsite',
};

let argv;
if (Object.hasOwn(COMMANDS, command)) {
  // The project's own suites (bench/*.suite.ts), never perfsite's demo suites.
  const suites = command === 'bench' && !args.includes('--dir') ? ['--dir', path.join(project, 'bench')] : [];
  try {
    argv = [commandFile(ROOT, COMMANDS[command]), ...suites, ...args];
  } catch (error) {
    process.stderr.write(`perfsite: ${error.message}\n`);
    process.exit(2);
  }
} else {
  process.stderr.write(`perfsite: no command ${JSON.stringify(command)}.\n${usage}`);
  process.exit(2);
}

const child = spawn(process.execPath, argv, { cwd: project, env, stdio: 'inherit' });
// A signal sent to perfsite alone (a process manager's, a step's timeout) reaches the command, which may have
// a server to stop and folders to remove; perfsite exits when it has.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
