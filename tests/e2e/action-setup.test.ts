/**
 * The actions' set-up step (scripts/action-setup.sh) on a runner whose own Node is too old for perfsite: it
 * finds Node 24 in the tool cache, or downloads it there from a mirror of nodejs.org (served here, with a
 * stand-in for Node's tarball: a launcher of this Node), checksum checked, and never touches PATH.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, serveStatic } from '../../scripts/static-server.ts';
import { PROJECT_ROOT, tempDir } from '../helpers.ts';

const run = promisify(execFile);
const SETUP = path.join(PROJECT_ROOT, 'scripts', 'action-setup.sh');
const VERSION = '24.99.0';
const ARCH = process.arch === 'arm64' ? 'arm64' : 'x64';
const PLATFORM = process.platform === 'darwin' ? 'darwin' : 'linux';
const TARBALL = `node-v${VERSION}-${PLATFORM}-${ARCH}.tar.xz`;

let mirror: StaticServer;
let mirrorDir: string;
/** A folder whose `node` fails as a Node older than 22.18 would fail perfsite's check. */
let oldNodeBin: string;

/** Writes the mirror's latest-v24.x folder: the tarball and its SHASUMS256.txt (`sum` overrides its checksum). */
async function publish(sum?: string): Promise<void> {
  const latest = path.join(mirrorDir, 'latest-v24.x');
  const staging = await tempDir();
  const bin = path.join(staging, `node-v${VERSION}-${PLATFORM}-${ARCH}`, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(path.join(bin, 'node'), `#!/bin/sh\nexec "${process.execPath}" "$@"\n`);
  await chmod(path.join(bin, 'node'), 0o755);
  await mkdir(latest, { recursive: true });
  await run('tar', ['-cJf', path.join(latest, TARBALL), '-C', staging, `node-v${VERSION}-${PLATFORM}-${ARCH}`]);
  const digest = createHash('sha256')
    .update(await readFile(path.join(latest, TARBALL)))
    .digest('hex');
  await writeFile(path.join(latest, 'SHASUMS256.txt'), `${'0'.repeat(64)}  node-v${VERSION}-win-x64.zip\n${sum ?? digest}  ${TARBALL}\n`);
}

async function setUp(toolCache: string, pathDirs: string[]): Promise<{ code: number; outputs: Record<string, string>; stderr: string }> {
  const output = path.join(await tempDir(), 'output');
  await writeFile(output, '');
  const result = await run('bash', [SETUP], {
    env: {
      PATH: [...pathDirs, '/usr/bin', '/bin'].join(path.delimiter),
      RUNNER_TOOL_CACHE: toolCache,
      GITHUB_OUTPUT: output,
      NODEJS_ORG_MIRROR: `${mirror.origin}/dist`,
    },
  }).then(
    (done) => ({ code: 0, stderr: done.stderr }),
    (failed: { code: number; stderr: string }) => ({ code: failed.code, stderr: failed.stderr }),
  );
  const outputs = Object.fromEntries(
    (await readFile(output, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return { ...result, outputs };
}

beforeAll(async () => {
  mirrorDir = path.join(await tempDir(), 'dist');
  mirror = await serveStatic(path.dirname(mirrorDir));
  oldNodeBin = await tempDir();
  await writeFile(path.join(oldNodeBin, 'node'), '#!/bin/sh\necho v20.0.0\nexit 1\n');
  await chmod(path.join(oldNodeBin, 'node'), 0o755);
});
afterAll(() => mirror?.close());

describe("the actions' set-up", () => {
  it("downloads Node 24 into the tool cache when the job's Node is too old, then finds it there", async () => {
    await publish();
    const toolCache = await tempDir();
    const first = await setUp(toolCache, [oldNodeBin]);
    expect(first.code, first.stderr).toBe(0);
    const installed = path.join(toolCache, 'node', VERSION, ARCH, 'bin', 'node');
    expect(first.outputs.node).toBe(installed);
    expect((await run(installed, ['-p', 'process.versions.node'])).stdout.trim()).toBe(process.versions.node);
    expect(await readFile(path.join(toolCache, 'node', VERSION, `${ARCH}.complete`), 'utf8')).toBe('');
    expect(first.outputs.key).toMatch(new RegExp(`^perfsite-${PLATFORM}-${ARCH}-node\\d+-(true|false)-[0-9a-f]{16}$`));
    expect(mirror.requests).toContain(`/dist/latest-v24.x/${TARBALL}`);

    const requested = mirror.requests.length;
    const second = await setUp(toolCache, [oldNodeBin]);
    expect(second.outputs.node).toBe(installed);
    expect(mirror.requests).toHaveLength(requested);
  });

  it('refuses a download whose checksum is not the one published, and installs nothing', async () => {
    await publish('f'.repeat(64));
    const toolCache = await tempDir();
    const result = await setUp(toolCache, [oldNodeBin]);
    expect(result.code).not.toBe(0);
    expect(result.outputs.node).toBeUndefined();
    await expect(readFile(path.join(toolCache, 'node', VERSION, ARCH, 'bin', 'node'))).rejects.toThrow();
  });

  it("uses the job's own Node when it is new enough, and downloads nothing", async () => {
    const requested = mirror.requests.length;
    const result = await setUp(await tempDir(), [path.dirname(process.execPath)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.outputs.node).toBe(path.join(path.dirname(process.execPath), 'node'));
    expect(mirror.requests).toHaveLength(requested);
  });
});
