/**
 * perfsite as another repository installs it: the project is packed (`npm pack`), installed into a fresh
 * git repository that holds no perfsite files, and its `perfsite` command imports a real hyperfine result,
 * gates it, and builds the site into that repository's dist/. A second, slower result fails the gate.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { childEnv, hyperfineHere, PROJECT_ROOT, tempDir } from './helpers.ts';

const run = promisify(execFile);
const hyperfine = hyperfineHere('the installed-package test');

describe('the installed package', () => {
  it.skipIf(!hyperfine)(
    'runs from another repository: import, gate and build, with nothing of perfsite in it but node_modules',
    async () => {
      const packed = await tempDir('perfsite-pack-');
      const { stdout: tarball } = await run('npm', ['pack', '--silent', '--pack-destination', packed], { cwd: PROJECT_ROOT });
      const project = await tempDir('perfsite-user-');
      await run('git', ['init', '--quiet'], { cwd: project });
      await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }));
      // From npm's cache, as `npm ci` filled it; no install script of any package runs.
      await run('npm', ['install', path.join(packed, tarball.trim()), '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: project,
      });
      const perfsite = (command: string, ...args: string[]) =>
        run(process.execPath, [path.join(project, 'node_modules', 'perfsite', 'bin', 'perfsite.mjs'), command, ...args], {
          cwd: project,
          env: childEnv({ PERFORMANCE_PLATFORM: 'user-machine' }),
        }).then(
          (done) => ({ code: 0, ...done }),
          (failed: { code: number; stdout: string; stderr: string }) => failed,
        );
      const bench = (delay: string) =>
        execFileSync('hyperfine', ['--runs', '10', '--export-json', 'bench.json', 'sleep "$DELAY"'], {
          cwd: project,
          stdio: 'ignore',
          env: { ...process.env, DELAY: delay },
        });

      bench('0.02');
      const imported = await perfsite('import', '--format', 'auto', 'bench.json');
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain('bench.json: read as hyperfine');
      expect((await perfsite('check')).code).toBe(0);

      bench('0.08');
      expect((await perfsite('import', '--format', 'hyperfine', 'bench.json')).code).toBe(0);
      const gate = await perfsite('check');
      expect(gate.code, gate.stdout).toBe(1);
      expect(gate.stdout).toMatch(/regression/);

      const built = await perfsite('build');
      expect(built.code, built.stderr).toBe(0);
      expect(await readdir(path.join(project, 'dist', 'runs'))).toHaveLength(2);
      // The project holds its history and its site, and nothing else of perfsite's.
      expect((await readdir(project)).sort()).toEqual([
        '.git',
        'bench.json',
        'data',
        'dist',
        'node_modules',
        'package-lock.json',
        'package.json',
      ]);
    },
    600_000,
  );
});
