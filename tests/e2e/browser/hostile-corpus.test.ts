/**
 * A history whose every text field is hostile: control bytes (NUL, BEL, ESC sequences), bidirectional
 * overrides, HTML, Markdown, mentions and path strings, in suites, metric names, units, branches, commit
 * messages and importer fields. Built into a site, rendered as reports and a PR comment, judged by check:
 * the feed parses strictly, no control sequence reaches a terminal, nothing runs in Chromium, the GFM has
 * no raw HTML, image or mention, and nothing is written outside data/ and the site.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaticServer } from '../../../scripts/static-server.ts';
import { commentBody } from '../../../src/lib/github/pr-comment.ts';
import type { RunRecordInput } from '../../../src/lib/store/record.ts';
import { appendRuns } from '../../../src/lib/store/store.ts';
import { HOSTILE_TEXT, makeRecord, runScript } from '../../helpers.ts';
import { type BuiltSite, buildAndServe, chromiumHere } from './built-site.ts';

const CONTROL = '\u0000\u0007\u001b[2J\u001b]0;pwned\u0007\u001b[31mred\u009b';
const BIDI = '\u202egnp.exe\u202c \u2066isolate\u2069';
const MARKDOWN = '@octocat #1 ![x](https://evil.example/x.png) [y](javascript:alert(1)) <img src=x onerror=alert(9)> **b** | c';
const PATHS = '../../../../tmp/escaped ..\\..\\win /etc/passwd';
const EVIL = `${HOSTILE_TEXT} ${BIDI} ${MARKDOWN} ${PATHS}`;

/** What no terminal, feed, page or comment may carry. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let browser: Browser;
let server: StaticServer;
let root: string;
let data: string;
let out: string;
let site: BuiltSite | undefined;

/** Five quiet runs through the store, then one hostile run as a hand-written record (the store would have cleaned it). */
async function hostileHistory(): Promise<string> {
  const runs: RunRecordInput[] = [1, 1.02, 0.98, 1, 1.01].map((value, index) => {
    const record = makeRecord({}, new Date(Date.UTC(2026, 10, 1 + index)));
    record.metrics = [
      { suite: `suite ${BIDI} ${MARKDOWN}`, name: `metric ${EVIL}`, value, unit: `s${BIDI}`, direction: 'lower', samples: [value] },
    ];
    return record;
  });
  await appendRuns(data, runs);
  const hostile = makeRecord({}, new Date(Date.UTC(2026, 10, 6)));
  hostile.id = 'hostile-run';
  hostile.git = {
    commit: 'f'.repeat(40),
    branch: `feature/${CONTROL}${BIDI}<script>alert(1)</script>`,
    dirty: false,
    message: `${CONTROL} first line ${EVIL}\n\nbody ${CONTROL} ${EVIL}`,
    commitTime: null,
    shallow: false,
  };
  hostile.source = { tool: `tool ${BIDI}`, file: `${PATHS} ${BIDI}` };
  hostile.metrics = [
    {
      suite: `suite ${BIDI} ${MARKDOWN}`,
      name: `metric ${EVIL}`,
      value: 1.6,
      unit: `s${BIDI}`,
      direction: 'lower',
      samples: [1.6],
      description: `${CONTROL} ${EVIL}`,
      spread: { low: 1.5, high: 1.7, kind: `${CONTROL}${BIDI}` },
    },
  ];
  const month = path.join(data, 'runs', '2026-11');
  await mkdir(month, { recursive: true });
  await writeFile(path.join(month, 'hostile-run.json'), JSON.stringify(hostile));
  return hostile.id;
}

beforeAll(async () => {
  if (!chromiumHere) return;
  root = await mkdtemp(path.join(tmpdir(), 'perfsite-hostile-'));
  data = path.join(root, 'data');
  await hostileHistory();
  // One full run page (the hostile run, the newest): the five before it are compact pages, and hostile too.
  site = await buildAndServe(data, { PERFSITE_FULL_RUN_PAGES: '1' });
  ({ browser, server, out } = site);
});

afterAll(async () => {
  await site?.close(root);
});

describe.skipIf(!chromiumHere)('a history of hostile text', () => {
  it('builds a site whose feed parses strictly and whose pages carry no control or override character', async () => {
    const feed = await readFile(path.join(out, 'regressions.xml'), 'utf8');
    expect(feed).toContain('regression');
    const page = await browser.newPage();
    const parseError = await page.evaluate(
      (text) => new DOMParser().parseFromString(text, 'application/xml').querySelector('parsererror')?.textContent ?? null,
      feed,
    );
    expect(parseError).toBeNull();
    await page.close();
    const files = (await readdir(out, { recursive: true })).filter((name) => /\.(html|xml|json|svg)$/.test(name));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = await readFile(path.join(out, file), 'utf8');
      expect(text.match(UNSAFE)?.[0], file).toBeUndefined();
      expect(file).not.toMatch(/\.\./);
    }
  });

  it('writes each chart file as strict SVG, shown as an image without scripts and inline with them', async () => {
    const charts = (await readdir(path.join(out, 'charts'), { recursive: true })).filter((name) => name.endsWith('.svg'));
    expect(charts.length).toBeGreaterThan(0);
    const page = await browser.newPage();
    for (const chart of charts) {
      const text = await readFile(path.join(out, 'charts', chart), 'utf8');
      const parseError = await page.evaluate(
        (svg) => new DOMParser().parseFromString(svg, 'image/svg+xml').querySelector('parsererror')?.textContent ?? null,
        text,
      );
      expect(parseError, chart).toBeNull();
    }
    await page.close();
    const platformPage = (await readdir(path.join(out, 'platforms')))[0];
    for (const javaScriptEnabled of [false, true]) {
      const context = await browser.newContext({ javaScriptEnabled });
      const tab = await context.newPage();
      await tab.goto(`${server.origin}/platforms/${platformPage}/`);
      const figure = tab.locator('figure[data-chart]').first();
      if (javaScriptEnabled) {
        // Near the screen, the image becomes the same SVG inline (so it follows the theme toggle), with its controls.
        await figure.locator('svg').waitFor();
        expect(await tab.locator('.chart-tools').count()).toBeGreaterThan(0);
      } else {
        await tab.waitForFunction(() => [...document.images].every((image) => image.complete));
        expect(await figure.locator('img').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(480);
      }
      await context.close();
    }
  });

  it('runs nothing in Chromium on any page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    const pages = (await readdir(out, { recursive: true }))
      .filter((name) => name.endsWith('index.html'))
      .map((name) => `/${name.replace(/index\.html$/, '')}`);
    for (const url of pages) {
      await page.goto(`${server.origin}${url}`);
      await page.waitForLoadState('load');
      // Pointing at each chart loads its data and draws its tooltips (the commit message among them).
      for (const chart of await page.locator('figure[data-chart]').all()) await chart.hover();
    }
    expect(dialogs).toEqual([]);
    expect(server.requests.filter((request) => request.includes('evil.example') || request.includes('/x.png'))).toEqual([]);
    await context.close();
  });

  it('renders the report and the PR comment as GFM without raw HTML, images or mentions', async () => {
    const report = await runScript('scripts/report.ts', ['--data', data, '--run', 'hostile-run', '--format', 'markdown'], {
      env: { REGRESSION_THRESHOLD: '' },
    });
    expect(report.code, report.stderr).toBe(0);
    const comment = commentBody(report.stdout);
    expect(comment.match(UNSAFE)?.[0]).toBeUndefined();
    const html = micromark(comment.replace(/^<!-- perfsite:report -->\n/, ''), { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
    expect(html).not.toMatch(/<(img|script|svg|iframe|details)\b/i);
    expect(html).not.toMatch(/href="javascript:/i);
    // A mention needs "@" straight before a name; every "@" here is followed by a word joiner.
    expect(comment).not.toMatch(/@[A-Za-z0-9]/);
    expect(comment).not.toMatch(/(?<!&)#\d/);
  });

  it('keeps every control sequence and override away from the terminal', async () => {
    // The state of main (the hostile run is on a branch), then the hostile run itself.
    for (const [args, code] of [
      [[], 0],
      [['--run', 'hostile-run'], 1],
    ] as const) {
      const check = await runScript('scripts/check.ts', ['--data', data, ...args], { env: { REGRESSION_THRESHOLD: '' } });
      expect(check.code, check.stdout).toBe(code);
      expect(check.stdout).toContain('metric');
      expect(`${check.stdout}${check.stderr}`.match(UNSAFE)?.[0]).toBeUndefined();
    }
    const stats = await runScript('scripts/stats.ts', ['--data', data]);
    expect(`${stats.stdout}${stats.stderr}`.match(UNSAFE)?.[0]).toBeUndefined();
  });

  it('writes nothing outside data/ and the site', async () => {
    expect((await readdir(root)).sort()).toEqual(['data']);
    expect(existsSync(path.join(tmpdir(), 'escaped'))).toBe(false);
  });
});
