import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { runScript, tempDir } from '../helpers.ts';

describe('npm run rehearse:nightly', () => {
  // It rehearses the committed state of this project (a fresh clone of HEAD), as CI would run it.
  it('restores the history, benchmarks, appends, pushes to the stand-in remote and builds the site', async () => {
    const work = await tempDir('perfsite-rehearsal-');
    const result = await runScript('scripts/rehearse-nightly.ts', ['--work', work, '--mode', 'quick']);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('-- Open or update regression issues: skipped (needs the GitHub API)');
    expect(result.stdout).toMatch(/-- Build the site\n/);

    const remote = path.join(work, 'remote.git');
    const files = (await simpleGit({ baseDir: remote }).raw(['ls-tree', '-r', '--name-only', 'perf-history'])).trim().split('\n');
    const records = files.filter((file) => /^runs\/\d{4}-\d{2}\/[^/]+\.json$/.test(file));
    expect(records).toHaveLength(1);
    const runId = path.basename(records[0] ?? '', '.json');
    const site = path.join(work, 'checkout', 'dist');
    expect(await readdir(path.join(site, 'runs'))).toEqual([runId]);
    expect((await readdir(site)).sort()).toEqual(expect.arrayContaining(['index.html', 'platforms', 'regressions.xml', 'runs']));
    // A whole night (benchmarks, push, build) waits for its processes to exit; this only caps a hang.
  }, 900_000);
});
