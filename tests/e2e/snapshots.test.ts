/**
 * Snapshots of what people read, on a fixed generated history: a series chart's SVG, a run page, the PR
 * comment and the feed. They are files under __snapshots__/ so that a review shows how a change altered
 * the output; an intended change is accepted with `npx vitest run -u tests/e2e/snapshots.test.ts`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricSlug } from '../../src/lib/store/metric-slug.ts';
import type { RunRecordInput } from '../../src/lib/store/record.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { HOSTILE_TEXT, makeRecord, runCommand, runScript, siteBuildDir } from '../helpers.ts';

const SNAPSHOTS = path.join(import.meta.dirname, '__snapshots__', 'snapshots');
const PLATFORMS = ['Linux_CI', 'macOS_M2'];
const RUNS = 24;
/** The run whose commit makes `parse` 25 % slower on both platforms. */
const STEP = 16;

/** A deterministic ±1 % wobble: the same history on every machine. */
function wobble(seed: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return 1 + (x - Math.floor(x) - 0.5) * 0.02;
}

function runId(platform: number, run: number): string {
  const stamp = new Date(Date.UTC(2026, 5, 1 + run, 3, platform)).toISOString().replaceAll(/[-:]/g, '').replace('.', '');
  return `${stamp}-${(platform * 256 + run).toString(16).padStart(8, '0')}`;
}

function fixedHistory(): RunRecordInput[] {
  const records: RunRecordInput[] = [];
  for (const [p, platform] of PLATFORMS.entries()) {
    for (let run = 0; run < RUNS; run++) {
      const record = makeRecord({ synthetic: true, id: runId(p, run) }, new Date(Date.UTC(2026, 5, 1 + run, 3, p)));
      record.platform.id = platform;
      record.platform.details.runtime = { node: '24.0.0' };
      record.git = {
        commit: `c0ffee${(run + 1).toString(16).padStart(2, '0')}`.padEnd(40, '0'),
        branch: 'main',
        dirty: false,
        message: run === STEP ? `Parse with the new grammar ${HOSTILE_TEXT}\n\nMore detail.` : `commit ${run}`,
        commitTime: new Date(Date.UTC(2026, 5, 1 + run, 2)).toISOString(),
        parents: run === 0 ? [] : [`c0ffee${run.toString(16).padStart(2, '0')}`.padEnd(40, '0')],
        shallow: false,
      };
      const slower = run >= STEP ? 1.25 : 1;
      const seed = run * 31 + p * 7;
      record.metrics = [
        {
          suite: 'core',
          name: 'parse',
          value: 0.0123 * slower * wobble(seed),
          unit: 's',
          direction: 'lower',
          samples: [0.99, 1, 1.01].map((factor) => 0.0123 * slower * wobble(seed) * factor),
        },
        { suite: 'core', name: 'throughput', value: 48_000 * wobble(seed + 1), unit: 'items/s', direction: 'higher' },
        { suite: 'core', name: 'peak memory', value: 2.5e8 * wobble(seed + 2), unit: 'bytes', direction: 'lower' },
      ];
      records.push(record);
    }
  }
  return records;
}

let data: string;
let out: string;

beforeAll(async () => {
  // Not tempDir(): its folders are removed after each test, and every test here reads this history.
  data = await mkdtemp(path.join(tmpdir(), 'perfsite-snapshots-'));
  out = await siteBuildDir();
  await appendRuns(data, fixedHistory());
  const build = await runScript('scripts/build.ts', ['--outDir', out], {
    env: {
      GITHUB_REPOSITORY: '',
      PERFSITE_REPOSITORY_URL: '',
      PERFSITE_SITE: 'https://example.org',
      PERFSITE_BUILD_CACHE: 'off',
      PERFORMANCE_DB_PATH: data,
    },
  });
  expect(build.code, build.stderr).toBe(0);
});

afterAll(async () => {
  await Promise.all([out, data].map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A page's main content: the layout around it carries hashed asset names that change with any client code. */
async function mainOf(page: string): Promise<string> {
  const { document } = parseHTML(await readFile(path.join(out, page), 'utf8'));
  const main = document.querySelector('main');
  expect(main, `${page} has a <main>`).not.toBeNull();
  return `${(main?.outerHTML ?? '').replaceAll(/>\s*</g, '>\n<')}\n`;
}

describe('what people read, on a fixed history', () => {
  it("a series chart's SVG", async () => {
    const svg = await readFile(path.join(out, 'charts', 'Linux_CI', `${metricSlug('core', 'parse')}.svg`), 'utf8');
    expect(svg).toMatch(/^<svg[^>]*>/);
    await expect(svg.replaceAll(/></g, '>\n<')).toMatchFileSnapshot(path.join(SNAPSHOTS, 'chart-parse.svg'));
  });

  it('the run page of the commit that made parse slower', async () => {
    const main = await mainOf(path.join('runs', runId(0, STEP), 'index.html'));
    expect(main).toContain('&lt;script&gt;');
    await expect(main).toMatchFileSnapshot(path.join(SNAPSHOTS, 'run-page.html'));
  });

  it('the PR comment of that run', async () => {
    const comment = await runCommand('scripts/report.ts', [
      '--data',
      data,
      '--run',
      runId(0, STEP),
      '--format',
      'markdown',
      '--site-url',
      'https://example.org/perf/',
    ]);
    expect(comment.code, comment.stderr).toBe(0);
    await expect(comment.stdout).toMatchFileSnapshot(path.join(SNAPSHOTS, 'pr-comment.md'));
  });

  it('the feed of regression events', async () => {
    const feed = await readFile(path.join(out, 'regressions.xml'), 'utf8');
    expect(feed).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    await expect(feed.replaceAll(/></g, '>\n<')).toMatchFileSnapshot(path.join(SNAPSHOTS, 'regressions.atom.xml'));
  });
});
