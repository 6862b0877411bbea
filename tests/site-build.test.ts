import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRun } from '../src/lib/store.ts';
import { HOSTILE_TEXT as HOSTILE, makeRecord, runScript, tempDir } from './helpers.ts';

describe('the first site', () => {
  it('lists the recorded runs with platform, commit and metrics, and shows hostile names as text', async () => {
    const data = await tempDir();
    const out = await tempDir('perfsite-dist-');
    const plain = await appendRun(data, makeRecord({}, new Date('2026-11-20T10:00:00Z')));
    const hostile = makeRecord({}, new Date('2026-11-21T10:00:00Z'));
    hostile.git = {
      commit: 'b'.repeat(40),
      branch: HOSTILE,
      dirty: true,
      message: `${HOSTILE}\nsecond line`,
      commitTime: null,
      shallow: false,
    };
    hostile.metrics = [
      { suite: HOSTILE, name: `${HOSTILE} metric`, value: 1.5, unit: '<u>s</u>', direction: 'lower', samples: [1, 1.5, 2] },
    ];
    const evil = await appendRun(data, hostile);

    const build = await runScript('node_modules/astro/bin/astro.mjs', ['build', '--outDir', out], { env: { PERFORMANCE_DB_PATH: data } });
    expect(build.code, build.stderr).toBe(0);
    const html = await readFile(path.join(out, 'index.html'), 'utf8');

    expect(html).toContain('2 runs recorded');
    expect(html).toContain(plain.record.id);
    expect(html).toContain(evil.record.id);
    expect(html).toContain('Test_Linux_x86_64_2C_8GB');
    expect(html).toContain('aaaaaaaaaa');
    expect(html).toContain('(uncommitted changes)');
    // Newest first.
    expect(html.indexOf(evil.record.id)).toBeLessThan(html.indexOf(plain.record.id));
    // Every name from the run is text, not markup.
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<u>s</u>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;u&gt;s&lt;/u&gt;');
  });

  it('says how to record a first run when the history is empty', async () => {
    const data = await tempDir();
    const out = await tempDir('perfsite-dist-');
    const build = await runScript('node_modules/astro/bin/astro.mjs', ['build', '--outDir', out], { env: { PERFORMANCE_DB_PATH: data } });
    expect(build.code, build.stderr).toBe(0);
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toContain('No runs are recorded yet. Run `npm run bench`');
  });
});
