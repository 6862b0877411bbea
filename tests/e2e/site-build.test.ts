import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { median } from 'simple-statistics';
import { afterAll, describe, expect, it } from 'vitest';
import { metricSlug } from '../../src/lib/store/metric-slug.ts';
import type { RunRecordInput } from '../../src/lib/store/record.ts';
import { appendRun, appendRuns } from '../../src/lib/store/store.ts';
import { eventIdAtRun, HOSTILE_TEXT as HOSTILE, makeRecord, runScript, siteBuildDir, tempDir } from '../helpers.ts';

const builds: string[] = [];
afterAll(() => Promise.all(builds.map((dir) => rm(dir, { recursive: true, force: true }))));

async function buildDir(): Promise<string> {
  const dir = await siteBuildDir();
  builds.push(dir);
  return dir;
}

async function build(data: string, out: string, env: NodeJS.ProcessEnv = {}) {
  const result = await runScript('scripts/build.ts', ['--outDir', out], {
    env: { GITHUB_REPOSITORY: '', PERFSITE_REPOSITORY_URL: '', ...env, PERFORMANCE_DB_PATH: data },
  });
  expect(result.code, result.stderr).toBe(0);
}

async function builtFiles(out: string): Promise<string[]> {
  return (await readdir(out, { recursive: true })).filter((name) => name.endsWith('.html') || name.endsWith('.xml')).sort();
}

describe('the site', () => {
  it('has a page for the overview, each platform, metric and run, the regressions and their feed, and keeps hostile names inert', async () => {
    const data = await tempDir();
    const out = await buildDir();
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
    await build(data, out);

    expect(await builtFiles(out)).toEqual(
      [
        'about/index.html',
        'compare/index.html',
        'explore/index.html',
        'index.html',
        `metrics/${metricSlug('demo', 'latency')}/index.html`,
        `metrics/${metricSlug('demo', 'throughput')}/index.html`,
        `metrics/${metricSlug(HOSTILE, `${HOSTILE} metric`)}/index.html`,
        'platforms/Test_Linux_x86_64_2C_8GB/index.html',
        'regressions.xml',
        'regressions/index.html',
        `runs/${plain.record.id}/index.html`,
        `runs/${evil.record.id}/index.html`,
      ].sort(),
    );
    const overview = await readFile(path.join(out, 'index.html'), 'utf8');
    expect(overview).toContain('2 runs · 1 platform · 3 metrics · 2026-11-20 to 2026-11-21');
    const runPage = await readFile(path.join(out, 'runs', evil.record.id, 'index.html'), 'utf8');
    expect(runPage).toContain('b'.repeat(40));
    expect(runPage).toContain('(with uncommitted changes)');
    expect(runPage).toContain('&lt;img src=x onerror=alert(1)&gt;');
    for (const file of (await builtFiles(out)).filter((name) => name.endsWith('.html'))) {
      const { document } = parseHTML(await readFile(path.join(out, file), 'utf8'));
      // Parsed as a browser would: none of the names became an element, a handler or a script.
      // The platform page's charts are images of the build's own chart files, and nothing else is.
      expect(document.querySelectorAll('img:not([src^="/charts/"]), u, svg[onload]').length, file).toBe(0);
      expect(
        [...document.querySelectorAll('*')].filter((element) =>
          [...element.attributes].some((attribute) => attribute.name.startsWith('on')),
        ).length,
        file,
      ).toBe(0);
      for (const script of document.querySelectorAll('script')) expect(script.textContent, file).not.toContain('alert(');
    }
    expect(runPage).toContain('&lt;u&gt;s&lt;/u&gt;');
    for (const file of (await readdir(path.join(out, 'charts'), { recursive: true })).filter((name) => name.endsWith('.svg'))) {
      const { document } = parseHTML(await readFile(path.join(out, 'charts', file), 'utf8'));
      expect(document.querySelectorAll('img, u, script, foreignObject, a').length, file).toBe(0);
      expect(
        [...document.querySelectorAll('*')].flatMap((element) => element.getAttributeNames()).filter((name) => name.startsWith('on')),
        file,
      ).toEqual([]);
    }
    const feed = await readFile(path.join(out, 'regressions.xml'), 'utf8');
    expect(feed).not.toContain('<img');
  });

  it('builds when a metric is measured on one platform only', async () => {
    const data = await tempDir();
    const out = await buildDir();
    const other = makeRecord({}, new Date('2026-11-21T10:00:00Z'));
    other.platform.id = 'Other_Platform';
    other.metrics = [{ suite: 'demo', name: 'only_here', value: 1, unit: 's', direction: 'lower' }];
    await appendRun(data, makeRecord({}, new Date('2026-11-20T10:00:00Z')));
    await appendRun(data, other);
    await build(data, out);
    const page = await readFile(path.join(out, 'metrics', metricSlug('demo', 'only_here'), 'index.html'), 'utf8');
    expect(page).toContain('Other_Platform');
  });

  it('lists the same open regressions as npm run check, on every platform, whatever run came last', async () => {
    const data = await tempDir();
    const out = await buildDir();
    const run = (platform: string, day: number, metrics: ReturnType<typeof makeRecord>['metrics']) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 10, day, platform === 'P2' ? 12 : 0)));
      record.platform.id = platform;
      record.metrics = metrics;
      return record;
    };
    const latency = (value: number) => [{ suite: 'demo', name: 'latency', value, unit: 'ms', direction: 'lower' as const }];
    await appendRuns(data, [
      // P1 regresses, then its newest run measures something else (an imported tool's file, say).
      ...[100, 101, 99, 100, 100, 140].map((value, day) => run('P1', day + 1, latency(value))),
      run('P1', 8, [{ suite: 'hyperfine', name: 'sleep 0.1', value: 0.1, unit: 's', direction: 'lower' }]),
      // P2 regresses on a run older than P1's newest.
      ...[50, 51, 49, 50, 50, 75].map((value, day) => run('P2', day + 1, latency(value))),
    ]);
    await build(data, out);
    const page = parseHTML(await readFile(path.join(out, 'index.html'), 'utf8')).document;
    const open = [...page.querySelectorAll('section[aria-labelledby="now"] tbody tr')].map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim() ?? ''),
    );
    expect(page.querySelector('#now')?.textContent?.trim()).toBe('2 latest measurements beyond the threshold');

    const check = await runScript('scripts/check.ts', ['--data', data], { env: { REGRESSION_THRESHOLD: '' } });
    expect(check.code, check.stdout + check.stderr).toBe(1);
    const flagged = check.stdout
      .split('\n')
      .filter((line) => /│\s*regression\s*│/.test(line))
      .map((line) => line.split('│').map((cell) => cell.trim()));
    expect(flagged.map(([, platform, metric]) => `${platform} ${metric}`)).toEqual(['P1 demo/latency', 'P2 demo/latency']);
    expect(open.map(([platform, metric, current]) => [platform, metric, current])).toEqual(
      flagged.map(([, platform, metric, current]) => [platform, metric?.replace('/', ' / '), current]),
    );
    expect(check.stdout).toMatch(/✘ 2 regressions detected/);
    // Narrowed to a platform, it judges that platform's series alone.
    const p2 = await runScript('scripts/check.ts', ['--data', data, '--platform', 'P2'], { env: { REGRESSION_THRESHOLD: '' } });
    expect(p2.stdout).toMatch(/75 ms\s*│\s*50 ms \(median of 5\)\s*│\s*\+50\.0%/);
    expect(p2.stdout).not.toMatch(/P1/);
  });

  it('shows a change point as an event on the regressions page, its own page and the feed, on the chart and on the run that starts it', async () => {
    const data = await tempDir();
    const out = await buildDir();
    // 60 runs around 1 s, then 60 around 1.3 s (a 30 % step for the worse), with a little deterministic noise.
    const records = Array.from({ length: 120 }, (_, index) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 6, 1, index)));
      const value = (index < 60 ? 1 : 1.3) * (1 + (((index * 7919) % 17) - 8) / 400);
      record.metrics = [{ suite: 'demo', name: 'latency', value, unit: 's', direction: 'lower' }];
      return record;
    });
    await appendRuns(data, records);
    await build(data, out, { GITHUB_REPOSITORY: 'octo/project' });
    const first = records[60]?.id ?? '';
    const regressions = parseHTML(await readFile(path.join(out, 'regressions', 'index.html'), 'utf8')).document;
    const events = [...regressions.querySelectorAll('ol.events > li')];
    expect(events).toHaveLength(1);
    expect(events[0]?.querySelector('a')?.getAttribute('href')).toBe(`/events/${eventIdAtRun(first)}/`);
    expect(events[0]?.textContent?.replace(/\s+/g, ' ')).toContain('+29.9% demo / latency on Test_Linux_x86_64_2C_8GB · 1 metric');
    const event = parseHTML(await readFile(path.join(out, 'events', eventIdAtRun(first), 'index.html'), 'utf8')).document;
    expect(event.querySelector('tbody tr')?.textContent).toContain('1 s1.299 s+29.9%');
    // Measured values, not corrected ones: no † in the table, and no footnote explaining one.
    expect(event.body.textContent).not.toContain('†');
    expect(event.querySelectorAll('figure svg')).toHaveLength(1);
    // The commit links to the repository the build ran for (GITHUB_REPOSITORY, as Actions sets it).
    expect(event.querySelector('.facts li a')?.getAttribute('href')).toBe(
      `https://github.com/octo/project/commit/${records[60]?.git?.commit}`,
    );
    const feed = await readFile(path.join(out, 'regressions.xml'), 'utf8');
    expect(feed).toContain(`<id>urn:perfsite:event:${eventIdAtRun(first)}</id>`);
    expect(feed).toContain(`/events/${eventIdAtRun(first)}/`);
    expect(await readFile(path.join(out, 'runs', first, 'index.html'), 'utf8')).toContain('A new level starts here');
    expect(await readFile(path.join(out, 'runs', records[59]?.id ?? '', 'index.html'), 'utf8')).not.toContain('A new level starts here');
    const platform = await readFile(path.join(out, 'charts', 'Test_Linux_x86_64_2C_8GB', `${metricSlug('demo', 'latency')}.svg`), 'utf8');
    // A red dashed rule at the change (for the worse), and the purple mean level on each side of it.
    expect(platform).toMatch(/aria-label="rule"><line stroke="#cf222e"/);
    expect(platform).toMatch(/stroke="#8250df" aria-label="rule"><line [^>]*\/><line [^>]*\/><\/g>/);
  });

  it('tells a significant change from likely noise on the run page and the overview, with the interval of the change', async () => {
    const data = await tempDir();
    const out = await buildDir();
    const steady = [0.98, 0.99, 1, 1.01, 1.02];
    const records = Array.from({ length: 11 }, (_, index) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 6, 1, index)));
      const last = index === 10;
      // The last run: "real" is 50 % slower in every sample; "noisy" has the same 60 % higher median, from samples all over the place.
      const real = last ? steady.map((sample) => sample * 1.5) : steady;
      const noisy = last ? [0.5, 0.9, 1.6, 2.4, 1.7] : steady;
      record.metrics = [
        { suite: 'demo', name: 'real', value: median(real), unit: 's', direction: 'lower', samples: real },
        { suite: 'demo', name: 'noisy', value: median(noisy), unit: 's', direction: 'lower', samples: noisy },
      ];
      return record;
    });
    await appendRuns(data, records);
    await build(data, out);
    const runPage = parseHTML(await readFile(path.join(out, 'runs', records[10]?.id ?? '', 'index.html'), 'utf8')).document;
    const row = (name: string) => [...runPage.querySelectorAll('tbody tr')].find((tr) => tr.querySelector('td a')?.textContent === name);
    expect(row('real')?.textContent).toContain('regression');
    expect(row('real')?.textContent).toMatch(/\+50\.0% \(95% CI \+4\d\.\d% to \+5\d\.\d%, p < 0\.001, t-test, spread of 10 runs\)/);
    expect(row('noisy')?.textContent).toContain('likely noise');
    // The baseline runs agree exactly; the run's own samples say how unsure its value is.
    expect(row('noisy')?.textContent).toMatch(
      /\+60\.0% \(95% CI [−+]?\d+(\.\d)?% to \+\d+(\.\d)?%, p = 0\.\d+ adjusted for 2 metrics, t-test, spread of 10 runs\)/,
    );
    // Beside the run before it, the same judge: the noisy change is likely noise there too, not "worse".
    const beside = (name: string) => row(name)?.querySelector('td:last-child');
    expect(beside('real')?.className).toContain('worse');
    expect(beside('noisy')?.className).toContain('noise');
    expect(beside('noisy')?.textContent).toMatch(/^\+60\.0% \(.*, p = 0\.\d+, t-test, spread of 10 runs\), likely noise$/);
    const overview = await readFile(path.join(out, 'index.html'), 'utf8');
    expect(overview).toContain('likely noise');
    expect(parseHTML(overview).document.body.textContent?.replace(/\s+/g, ' ')).toMatch(/\+50\.0% \(95% CI \+4\d\.\d% to \+5\d\.\d%/);
    // One verdict: the chart marks a regression where the run page says regression, and not where it says likely noise.
    const platform = await readFile(path.join(out, 'platforms', 'Test_Linux_x86_64_2C_8GB', 'index.html'), 'utf8');
    // The platform page shows each chart as an image of its file.
    expect(platform).toContain(`<img src="/charts/Test_Linux_x86_64_2C_8GB/${metricSlug('demo', 'real')}.svg"`);
    const charts = Object.fromEntries(
      await Promise.all(
        ['real', 'noisy'].map(async (name) => [
          name,
          await readFile(path.join(out, 'charts', 'Test_Linux_x86_64_2C_8GB', `${metricSlug('demo', name)}.svg`), 'utf8'),
        ]),
      ),
    );
    const chart = (name: string) => charts[name] ?? '';
    const regressionDots = (svg: string) =>
      (svg.match(/fill="#cf222e"[^>]*aria-label="dot">(<circle[^>]*>)+/)?.[0].match(/<circle/g) ?? []).length;
    expect(regressionDots(chart('real'))).toBe(1);
    expect(regressionDots(chart('noisy'))).toBe(0);
  });

  it('gives the newest runs of each platform a full page and older runs a compact one, with the same verdicts', async () => {
    const data = await tempDir();
    const out = await buildDir();
    const values = [1, 1.01, 0.99, 1, 1.5, 1.5, 1.49, 1.5];
    const records = values.map((value, index) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 7, 1, index)));
      record.metrics = [{ suite: `demo ${HOSTILE}`, name: 'latency', value, unit: 's', direction: 'lower' }];
      return record;
    });
    await appendRuns(data, records);
    await build(data, out, { PERFSITE_FULL_RUN_PAGES: '3' });
    const page = async (index: number) =>
      parseHTML(await readFile(path.join(out, 'runs', records[index]?.id ?? '', 'index.html'), 'utf8')).document;
    // The step (run 4) is older than the newest 3: a compact page, with the verdict the full page would give.
    const step = await page(4);
    expect(step.querySelector('table.compact')).not.toBeNull();
    // The verdict `check` gives the same run.
    expect(step.querySelector('p.verdict')?.textContent).toBe('1 regression detected');
    // Its suite heads its rows once, as text, however hostile.
    expect(step.querySelector('table.compact tbody th[scope=rowgroup]')?.textContent?.trim()).toBe(`demo ${HOSTILE}`);
    expect(
      [...(step.querySelector('table.compact tbody tr:nth-child(2)')?.querySelectorAll('td') ?? [])].map((td) => td.textContent?.trim()),
    ).toEqual(['latency', '1.5 s', 'regression +50.0%']);
    expect(step.querySelector('table.compact img, table.compact u')).toBeNull();
    for (const index of [5, 6, 7]) expect((await page(index)).querySelector('table.stack')).not.toBeNull();
    await expect(build(data, out, { PERFSITE_FULL_RUN_PAGES: 'many' })).rejects.toThrow(
      /PERFSITE_FULL_RUN_PAGES="many" is not a whole number/,
    );
  });

  it('says how to record a first run when the history is empty', async () => {
    const data = await tempDir();
    const out = await buildDir();
    await build(data, out);
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toMatch(/No runs are recorded yet. Run <code[^>]*>npm run bench<\/code>/);
  });

  it('refuses a history folder that is a file in one line, and leaves the last site as it was', async () => {
    const data = await tempDir();
    await appendRun(data, makeRecord());
    const out = await buildDir();
    await build(data, out);
    const before = await builtFiles(out);
    const file = path.join(await tempDir(), 'history');
    await writeFile(file, 'not a folder\n');
    const refused = await runScript('scripts/build.ts', ['--outDir', out], { env: { PERFORMANCE_DB_PATH: file } });
    expect(refused.code).toBe(2);
    expect(refused.stdout + refused.stderr).toContain(
      `PERFORMANCE_DB_PATH=${file} is a file, not a folder: point --data (or PERFORMANCE_DB_PATH) at the history folder`,
    );
    expect(refused.stdout + refused.stderr).not.toMatch(/\n\s+at /);
    expect(await builtFiles(out)).toEqual(before);
  });

  it('sets a run beside the run of its parent commit when there is one, otherwise beside the previous run', async () => {
    const data = await tempDir();
    const out = await buildDir();
    const commit = (digit: string) => digit.repeat(40);
    const record = (day: number, sha: string, parents: string[], branch: string, latency: number) => {
      const input = makeRecord({}, new Date(`2026-11-${day}T10:00:00Z`));
      input.git = { commit: sha, branch, dirty: false, message: `commit ${sha.slice(0, 4)}`, commitTime: null, parents, shallow: false };
      input.metrics = [{ suite: 'demo', name: 'latency', value: latency, unit: 's', direction: 'lower' }];
      return appendRun(data, input);
    };
    const base = await record(20, commit('1'), [commit('0')], 'main', 0.5);
    const sibling = await record(21, commit('2'), [commit('1')], 'feature-a', 0.6);
    const change = await record(22, commit('3'), [commit('1')], 'feature-b', 0.75);
    const orphan = await record(23, commit('4'), [commit('9')], 'feature-c', 0.7);
    await build(data, out);
    const page = async (id: string) => parseHTML(await readFile(path.join(out, 'runs', id, 'index.html'), 'utf8')).document;

    const changed = await page(change.record.id);
    const heads = [...changed.querySelectorAll('thead th')].map((th) => th.textContent);
    expect(heads.slice(-2)).toEqual(['parent commit', 'vs parent commit']);
    expect(changed.querySelector('thead th a')?.getAttribute('href')).toBe(`/runs/${base.record.id}/`);
    const cells = [...changed.querySelectorAll('tbody tr td')].map((td) => td.textContent);
    // One run of main behind it: too few to know how much runs differ, and it says so.
    expect(cells.slice(-2)).toEqual(['500 ms', '+50.0% (too few runs to test: 1)']);
    expect(changed.querySelector('tbody td.mark')?.className).toContain('worse');
    // The run just before it (another branch's) is still one click away.
    const facts = [...changed.querySelectorAll('dl.facts a')].map((a) => a.getAttribute('href'));
    expect(facts).toContain(`/runs/${sibling.record.id}/`);

    // No run of its parent commit: beside the previous run on the platform instead, and saying so.
    const fallback = await page(orphan.record.id);
    expect([...fallback.querySelectorAll('thead th')].map((th) => th.textContent).slice(-2)).toEqual(['previous run', 'vs previous run']);
    expect(fallback.querySelector('thead th a')?.getAttribute('href')).toBe(`/runs/${change.record.id}/`);

    // The first run has neither.
    expect([...(await page(base.record.id)).querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      'metric',
      'status',
      'this run',
      'baseline',
      'change',
    ]);
  });
});

describe('the build cache', () => {
  async function siteFiles(out: string): Promise<Map<string, Buffer>> {
    const names = (await readdir(out, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(out, path.join(entry.parentPath, entry.name)))
      .sort();
    return new Map(await Promise.all(names.map(async (name) => [name, await readFile(path.join(out, name))] as const)));
  }

  /** Eight days of runs on two platforms, a build cache for them, and a maker of the next run on either. */
  async function twoPlatforms() {
    const data = await tempDir();
    const cache = await tempDir('perfsite-build-cache-');
    const start = Date.parse('2026-11-01T10:00:00Z');
    const runOn = (platform: string, day: number, latency: number) => {
      const record = makeRecord({}, new Date(start + day * 86_400_000 + (platform === 'second' ? 3_600_000 : 0)));
      record.platform = { ...record.platform, id: platform };
      record.metrics = record.metrics.map((metric) => (metric.name === 'latency' ? { ...metric, value: latency } : metric));
      return record;
    };
    await appendRuns(
      data,
      Array.from({ length: 8 }, (_, day) => [runOn('first', day, 0.5 + day * 0.001), runOn('second', day, 0.7 - day * 0.001)]).flat(),
    );
    return { data, cache, runOn };
  }

  it('gives the site a cold build gives, byte for byte, after a new run on one of two platforms', async () => {
    const { data, cache, runOn } = await twoPlatforms();
    const first = await buildDir();
    const firstBuild = await runScript('scripts/build.ts', ['--outDir', first], {
      env: { PERFORMANCE_DB_PATH: data, PERFSITE_BUILD_CACHE: cache },
    });
    expect(firstBuild.code, firstBuild.stderr).toBe(0);
    expect(firstBuild.stdout).toContain('(0 charts from the build cache, 4 drawn)');

    // A regression on one platform: its two charts change, the other platform's come from the cache.
    await appendRun(data, runOn('first', 8, 0.9));
    const warm = await buildDir();
    const warmBuild = await runScript('scripts/build.ts', ['--outDir', warm], {
      env: { PERFORMANCE_DB_PATH: data, PERFSITE_BUILD_CACHE: cache },
    });
    expect(warmBuild.code, warmBuild.stderr).toBe(0);
    expect(warmBuild.stdout).toContain('(2 charts from the build cache, 2 drawn)');
    // What the first build drew for the first platform is no longer any chart's: it is gone from the cache.
    expect(await readdir(path.join(cache, 'charts'))).toHaveLength(4);

    const cold = await buildDir();
    const coldBuild = await runScript('scripts/build.ts', ['--outDir', cold], {
      env: { PERFORMANCE_DB_PATH: data, PERFSITE_BUILD_CACHE: 'off' },
    });
    expect(coldBuild.code, coldBuild.stderr).toBe(0);
    expect(coldBuild.stdout).toContain('(0 charts from the build cache, 4 drawn)');

    const [warmFiles, coldFiles] = await Promise.all([siteFiles(warm), siteFiles(cold)]);
    expect([...warmFiles.keys()]).toEqual([...coldFiles.keys()]);
    const differing = [...warmFiles].filter(([name, bytes]) => !bytes.equals(coldFiles.get(name) as Buffer)).map(([name]) => name);
    expect(differing).toEqual([]);
    const regressed = await readFile(path.join(warm, 'charts', 'first', `${metricSlug('demo', 'latency')}.svg`), 'utf8');
    expect(regressed).toContain('#cf222e');
  });

  it("keeps the pages a new run left as they were, rebuilt into the same folder, and gives the cold build's site; a page altered there is rendered again", async () => {
    const { data, cache, runOn } = await twoPlatforms();
    const env = { PERFORMANCE_DB_PATH: data, PERFSITE_BUILD_CACHE: cache };
    const out = await buildDir();
    const keptIn = (stdout: string) => Number(/pages written in [\d.]+ s \((\d+) kept from the last build/.exec(stdout)?.[1]);
    const first = await runScript('scripts/build.ts', ['--outDir', out], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(keptIn(first.stdout)).toBe(0);
    // Pages read from one view each: those of platforms, metrics, benchmarks and events.
    const viewed = (await readdir(out, { recursive: true })).filter((name) =>
      /^(platforms|metrics|benchmarks|events)\/[^/]+\/index\.html$/.test(name.split(path.sep).join('/')),
    );
    expect(viewed.length).toBeGreaterThan(3);

    await appendRun(data, runOn('first', 8, 0.9));
    const second = await runScript('scripts/build.ts', ['--outDir', out], { env });
    expect(second.code, second.stderr).toBe(0);
    // The second platform's page is as it was; the first's, the metrics' and the new event's are not.
    expect(keptIn(second.stdout)).toBeGreaterThan(0);
    expect(keptIn(second.stdout)).toBeLessThan(viewed.length);

    const altered = path.join(out, 'platforms', 'second', 'index.html');
    await writeFile(altered, `${await readFile(altered, 'utf8')}<script>alert(1)</script>`);
    const third = await runScript('scripts/build.ts', ['--outDir', out], { env });
    expect(third.code, third.stderr).toBe(0);
    const viewedNow = (await readdir(out, { recursive: true })).filter((name) =>
      /^(platforms|metrics|benchmarks|events)\/[^/]+\/index\.html$/.test(name.split(path.sep).join('/')),
    );
    expect(keptIn(third.stdout)).toBe(viewedNow.length - 1);
    expect(await readFile(altered, 'utf8')).not.toContain('<script>alert(1)');

    const cold = await buildDir();
    const coldBuild = await runScript('scripts/build.ts', ['--outDir', cold], {
      env: { PERFORMANCE_DB_PATH: data, PERFSITE_BUILD_CACHE: 'off' },
    });
    expect(coldBuild.code, coldBuild.stderr).toBe(0);
    const [warmFiles, coldFiles] = await Promise.all([siteFiles(out), siteFiles(cold)]);
    expect([...warmFiles.keys()]).toEqual([...coldFiles.keys()]);
    expect([...warmFiles].filter(([name, bytes]) => !bytes.equals(coldFiles.get(name) as Buffer)).map(([name]) => name)).toEqual([]);
  });

  it('draws a chart again when its cache entry is not a plain chart: a poisoned cache never reaches the site', async () => {
    const data = await tempDir();
    const cache = await tempDir('perfsite-build-cache-');
    await appendRuns(data, [makeRecord({}, new Date('2026-11-01T10:00:00Z')), makeRecord({}, new Date('2026-11-02T10:00:00Z'))]);
    const env = { PERFORMANCE_DB_PATH: data, PERFSITE_BUILD_CACHE: cache };
    const clean = await buildDir();
    expect((await runScript('scripts/build.ts', ['--outDir', clean], { env })).code).toBe(0);
    // What a job that could write the cache (a pull request's, restored through restore-keys) would leave there.
    const entries = await readdir(path.join(cache, 'charts'));
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const file = path.join(cache, 'charts', entry);
      const chart = await readFile(file, 'utf8');
      await writeFile(file, chart.replace('</svg>', '<script>alert(document.domain)</script></svg>'));
    }
    const rebuilt = await buildDir();
    const build = await runScript('scripts/build.ts', ['--outDir', rebuilt], { env });
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toContain(`(0 charts from the build cache, ${entries.length} drawn)`);
    for (const chart of (await readdir(path.join(rebuilt, 'charts'), { recursive: true })).filter((name) => name.endsWith('.svg'))) {
      const drawn = await readFile(path.join(rebuilt, 'charts', chart), 'utf8');
      expect(drawn).not.toContain('<script');
      expect(drawn).toBe(await readFile(path.join(clean, 'charts', chart), 'utf8'));
    }
  });

  it('rebuilt into the folder of an earlier build, keeps its run folders and drops what is no longer in the history', async () => {
    const start = Date.parse('2026-11-01T10:00:00Z');
    const runs = Array.from({ length: 4 }, (_, day) => makeRecord({}, new Date(start + day * 86_400_000)));
    const [first, second, third, fourth] = runs as [RunRecordInput, RunRecordInput, RunRecordInput, RunRecordInput];
    const before = await tempDir();
    await appendRuns(before, [first, second, third]);
    // The history built next has lost the third run (say, another history is built into the same folder) and gained a fourth.
    const after = await tempDir();
    await appendRuns(after, [first, second, fourth]);

    const out = await buildDir();
    await build(before, out, { PERFSITE_BUILD_CACHE: 'off' });
    expect((await readdir(path.join(out, 'runs'))).sort()).toEqual([first.id, second.id, third.id].sort());
    await build(after, out, { PERFSITE_BUILD_CACHE: 'off' });
    const fresh = await buildDir();
    await build(after, fresh, { PERFSITE_BUILD_CACHE: 'off' });

    expect((await readdir(path.join(out, 'runs'))).sort()).toEqual([first.id, second.id, fourth.id].sort());
    const [rebuiltFiles, freshFiles] = await Promise.all([siteFiles(out), siteFiles(fresh)]);
    expect([...rebuiltFiles.keys()]).toEqual([...freshFiles.keys()]);
    const differing = [...rebuiltFiles].filter(([name, bytes]) => !bytes.equals(freshFiles.get(name) as Buffer)).map(([name]) => name);
    expect(differing).toEqual([]);
  });
});
