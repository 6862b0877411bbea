/**
 * `npm run bisect` on a real git repository (tests/fixtures/bisect-repo.ts): a generated benchmark with a
 * run-to-run spread of 3 %, 10 % slower from a known commit among 32.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DOMParser, parseHTML } from 'linkedom';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import type { BisectResult } from '../../src/lib/analysis/bisect-search.ts';
import type { Culprit } from '../../src/lib/analysis/culprits-file.ts';
import { shortCommit } from '../../src/lib/shared/short-commit.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { BISECT_BENCH, BISECT_BENCH_ARGS, bisectRepository, runsAcrossStep } from '../fixtures/bisect-repo.ts';
import { runScript, siteBuildDir, tempDir } from '../helpers.ts';

async function bisectIn(repo: string, good: string, bad: string, env: NodeJS.ProcessEnv) {
  const data = path.join(repo, '.perf-data');
  const json = path.join(repo, '..', `${path.basename(repo)}-result.json`);
  const result = await runScript(
    'scripts/bisect.ts',
    ['--good', good, '--bad', bad, '--data', data, '--json', json, ...BISECT_BENCH_ARGS],
    { cwd: repo, env: { BISECT_COUNTER: path.join(repo, '..', `${path.basename(repo)}-count`), ...env } },
  );
  return { ...result, json };
}

/** A history of nightly runs on nightly-runner: ten at the range's good commit, then four 10 % slower at its bad one (8 commits on). */
async function nightsWithStep(shas: readonly string[]): Promise<string> {
  const data = await tempDir();
  await appendRuns(
    data,
    runsAcrossStep(shas[0] as string, shas[8] as string, {
      before: 10,
      after: 4,
      step: 0.1,
      platform: 'nightly-runner',
      runType: 'nightly',
    }),
  );
  return data;
}

/**
 * A repository whose nights left an open 10 % regression over 8 commits while its benchmark slows at `stepAt`
 * (or never), configured for --open-events with `runsPerNight`; `night` runs the nightly's bisect step.
 */
async function nightlyBisect(stepAt: number | null, runsPerNight: number, seed: string, more: NodeJS.ProcessEnv = {}) {
  const { dir, shas } = await bisectRepository(8, stepAt);
  const data = await nightsWithStep(shas);
  await writeFile(path.join(dir, 'perfsite.config.json'), JSON.stringify({ threshold: 0.05, bisect: { runsPerNight, ...BISECT_BENCH } }));
  const env = { BISECT_SEED: seed, BISECT_COUNTER: path.join(data, 'count'), PERFORMANCE_PLATFORM: 'nightly-runner', ...more };
  const night = () => runScript('scripts/bisect.ts', ['--open-events', '--data', data], { cwd: dir, env });
  return { dir, data, night };
}

describe('npm run bisect', () => {
  it('names the commit of a 10 % step among 32 within ⌈log₂ 32⌉ + 2 rounds, records its runs, and resumes when interrupted', async () => {
    const { dir, shas } = await bisectRepository(32, 21);
    const interrupted = await bisectIn(dir, shas[0] as string, shas[32] as string, { BISECT_SEED: '1', FAIL_AT: '40' });
    expect(interrupted.code, interrupted.stderr).toBe(1);
    expect(interrupted.stderr).toContain('failed in');

    const resumed = await bisectIn(dir, shas[0] as string, shas[32] as string, { BISECT_SEED: '1' });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming from 39 recorded runs');
    expect(resumed.stdout).toContain(`culprit ${shas[21]} change 21`);
    const result = JSON.parse(await readFile(resumed.json, 'utf8')) as BisectResult & { commits: Array<{ sha: string }> };
    expect(result.culprits.map((culprit) => culprit.commit)).toEqual([shas[21]]);
    expect(result.rounds).toBeLessThanOrEqual(Math.ceil(Math.log2(32)) + 2);
    const change = result.culprits[0]?.changes[0]?.test;
    expect(change?.low).toBeLessThan(0.1);
    expect(change?.high).toBeGreaterThan(0.1);
    // Its checkouts are gone; its runs stay, each of the commit it measured.
    expect(await simpleGit({ baseDir: dir }).raw(['worktree', 'list'])).not.toContain('checkouts');
  });

  it('says there is no change across a range with no step, and exits 1', async () => {
    const { dir, shas } = await bisectRepository(8, null);
    const run = await bisectIn(dir, shas[0] as string, shas[8] as string, { BISECT_SEED: '2' });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('no change across this range');
  });

  it('bisects a benchmark that writes the same result every run (a count): each run is recorded as its own', async () => {
    const { dir, shas } = await bisectRepository(4, 3);
    const run = await bisectIn(dir, shas[0] as string, shas[4] as string, { BISECT_SEED: '6', BISECT_SPREAD: '0' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`culprit ${shas[3]} change 3`);
    const result = JSON.parse(await readFile(run.json, 'utf8')) as BisectResult;
    expect(result.culprits[0]?.changes[0]?.test).toMatchObject({ low: expect.closeTo(0.1, 9), high: expect.closeTo(0.1, 9) });
  });

  it('refuses a range the wrong way round, naming the fix', async () => {
    const { dir, shas } = await bisectRepository(2, null);
    const run = await bisectIn(dir, shas[2] as string, shas[0] as string, { BISECT_SEED: '3' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not an ancestor of --bad');
  });

  it('records a bisect of an open event that found no culprit, so that the next night does not bisect it again', async () => {
    // The nights saw a 10 % step over 8 commits; measured here, the range shows none (a runner's doing, say).
    const { dir, data, night } = await nightlyBisect(null, 200, '8');
    const first = await night();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('no change across this range');
    expect(first.stdout).toMatch(/that bisect found no culprit for e-[0-9a-f]{12}-r is recorded/);
    const again = await night();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('runs left to spend');
    const listed = await runScript('scripts/regressions.ts', ['--data', data], { cwd: dir });
    expect(listed.stdout).toMatch(
      /bisected on \d{4}-\d{2}-\d{2} on nightly-runner, \d+ runs, no culprit: no change across this range on this machine/,
    );
    // The event's page says so, and shows the ends' runs it measured.
    const [entry] = Object.entries(JSON.parse(await readFile(path.join(data, 'culprits.json'), 'utf8')) as Record<string, Culprit>);
    const out = await siteBuildDir();
    const built = await runScript('scripts/build.ts', ['--outDir', out, '--data', data], {
      cwd: dir,
      env: { PERFSITE_BUILD_CACHE: 'off' },
    });
    expect(built.code, built.stderr).toBe(0);
    const page = await readFile(path.join(out, 'events', entry?.[0] ?? '', 'index.html'), 'utf8');
    expect(page).toMatch(/<dt[^>]*>bisect<\/dt>\s*<dd[^>]*>bisected on [^<]*, no culprit: no change across this range/);
    const chart = page.match(/<svg[^>]*aria-label="bench\/parse on [^"]*, as bisect measured it"[\s\S]*?<\/svg>/)?.[0] ?? '';
    expect(chart.match(/<circle/g)).toHaveLength(entry?.[1].runs ?? -1);
  });

  it('records how far a bisect the budget stopped got, and leaves that event to a larger budget', async () => {
    const { dir, data, night } = await nightlyBisect(5, 20, '9');
    const stopped = await night();
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/the budget is spent after \d+ runs/);
    const again = await night();
    expect(again.stdout).not.toContain('runs left to spend');
    const listed = await runScript('scripts/regressions.ts', ['--data', data], { cwd: dir });
    expect(listed.stdout).toMatch(
      /no culprit: the budget ran out: the change is after [0-9a-f]{10} and at or before [0-9a-f]{10} \(\d+ commits?\)/,
    );
  });

  it('ends a bisect whose benchmark fails at a commit without failing the night, and records why', async () => {
    const { dir, data, night } = await nightlyBisect(5, 200, '10', { FAIL_AT: '7' });
    const failed = await night();
    expect(failed.code, failed.stderr).toBe(0);
    expect(failed.stderr).toMatch(/bisect: e-[0-9a-f]{12}-r: benchmarking [0-9a-f]{10}: `.*` failed in .* \(exit 1\)/);
    expect(failed.stdout).toMatch(/that the bisect of e-[0-9a-f]{12}-r failed is recorded/);
    expect((await night()).stdout).not.toContain('runs left to spend');
    const listed = await runScript('scripts/regressions.ts', ['--data', data], { cwd: dir });
    expect(listed.stdout).toMatch(
      /no culprit: the benchmark failed: benchmarking [0-9a-f]{10}: .*; fix it, then perfsite bisect --event e-/,
    );
  });

  it("bisects the open events within the configured budget: the culprit is recorded, and the regressions list and the event's page name it; triage names one by hand", async () => {
    const { dir, shas } = await bisectRepository(8, 5);
    const data = await nightsWithStep(shas);
    // A threshold of 5 % makes the 10 % step a regression, open: what --open-events bisects.
    await writeFile(path.join(dir, 'perfsite.config.json'), JSON.stringify({ threshold: 0.05 }));
    const listed = await runScript('scripts/regressions.ts', ['--json', '--data', data], { cwd: dir });
    const [event] = JSON.parse(listed.stdout) as Array<{ id: string }>;
    expect(event?.id).toBeDefined();

    const unknown = await runScript('scripts/bisect.ts', ['--event', 'e-000000000000-r', '--data', data, ...BISECT_BENCH_ARGS], {
      cwd: dir,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no event "e-000000000000-r"');
    const env = { BISECT_SEED: '5', BISECT_COUNTER: path.join(data, 'count'), PERFORMANCE_PLATFORM: 'nightly-runner' };
    // As the nightly workflow runs it: every open event without a culprit, within perfsite.config.json's budget.
    const off = await runScript('scripts/bisect.ts', ['--open-events', '--data', data, ...BISECT_BENCH_ARGS], { cwd: dir, env });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toContain('bisect.runsPerNight is 0');
    // The benchmark as the project configures it, so that the workflow's step needs no options.
    await writeFile(
      path.join(dir, 'perfsite.config.json'),
      JSON.stringify({ threshold: 0.05, bisect: { runsPerNight: 200, ...BISECT_BENCH } }),
    );
    // Another machine's regressions are left to it.
    const elsewhere = await runScript('scripts/bisect.ts', ['--open-events', '--data', data], {
      cwd: dir,
      env: { ...env, PERFORMANCE_PLATFORM: 'laptop' },
    });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(elsewhere.stderr).toContain(`${event?.id} is skipped: it moved on nightly-runner, not on this machine (laptop)`);
    const bisected = await runScript('scripts/bisect.ts', ['--open-events', '--data', data], { cwd: dir, env });
    expect(bisected.code, bisected.stderr).toBe(0);
    expect(bisected.stdout).toContain(`culprit ${shas[5]} change 5`);
    const culprit = (JSON.parse(await readFile(path.join(data, 'culprits.json'), 'utf8')) as Record<string, Culprit>)[event?.id ?? ''];
    const probeRuns = culprit?.probes.flatMap((probe) => probe.values['bench/parse'] ?? []) ?? [];
    expect(probeRuns).toHaveLength(culprit?.runs ?? -1);
    expect(culprit?.probes.find((probe) => probe.commit === shas[5])).toMatchObject({ index: 5, side: 'bad' });
    expect(culprit?.probes.find((probe) => probe.commit === shas[4])).toMatchObject({ index: 4, side: 'good' });
    // In the history's unit (the benchmark writes ms; the history keeps seconds): about 1 ms at the good end.
    const goodEnd = culprit?.probes.find((probe) => probe.index === 0)?.values['bench/parse'] ?? [];
    expect(goodEnd.length).toBeGreaterThan(0);
    for (const value of goodEnd) expect(value).toBeCloseTo(0.001, 3);
    const afterBisect = await runScript('scripts/regressions.ts', ['--data', data], { cwd: dir });
    expect(afterBisect.stdout).toContain(`culprit ${shas[5]} change 5, found by bisect`);
    // One headline, wherever the event is told: the CLI's, the report's (the PR comment, the nightly's issues), the page's, the feed's.
    const headline =
      afterBisect.stdout
        .split('\n')
        .find((line) => line.includes(event?.id ?? '-'))
        ?.split(`${event?.id}  `)[1] ?? '';
    expect(headline).toMatch(/\(the culprit, found by bisect\)/);
    const report = await runScript('scripts/report.ts', ['--data', data, '--format', 'json'], { cwd: dir });
    expect(report.stdout).toContain(JSON.stringify(headline).slice(1, -1));

    const out = await siteBuildDir();
    const built = await runScript('scripts/build.ts', ['--outDir', out, '--data', data], {
      cwd: dir,
      env: { PERFSITE_BUILD_CACHE: 'off' },
    });
    expect(built.code, built.stderr).toBe(0);
    const page = await readFile(path.join(out, 'events', event?.id as string, 'index.html'), 'utf8');
    expect(page).toMatch(/<dt[^>]*>culprit<\/dt>/);
    expect(page).toContain(shortCommit(shas[5] as string));
    expect(page).toContain('found by bisect');
    expect(parseHTML(page).document.querySelector('h1 + p')?.textContent).toBe(headline);
    // Measured in alternation on one machine, the change followed the commit: the code did it.
    expect(page).toMatch(/Cause: the code\. bisect measured the change on nightly-runner at [0-9a-f]{10}/);
    const feed = new DOMParser().parseFromString(await readFile(path.join(out, 'regressions.xml'), 'utf8'), 'text/xml');
    expect([...feed.querySelectorAll('entry title')].map((title) => title.textContent)).toContain(`[open] ${headline}`);
    // The probes' chart: a dot for every run bisect made.
    const probesChart = page.match(/<svg[^>]*aria-label="bench\/parse on [^"]*, as bisect measured it"[\s\S]*?<\/svg>/)?.[0] ?? '';
    expect(probesChart.match(/<circle/g)).toHaveLength(probeRuns.length);

    const byHand = await runScript(
      'scripts/triage.ts',
      [event?.id as string, '--culprit', shas[4] as string, '--note', 'read the diff', '--data', data],
      { cwd: dir },
    );
    expect(byHand.code, byHand.stderr).toBe(0);
    expect((await runScript('scripts/regressions.ts', ['--data', data], { cwd: dir })).stdout).toContain(
      `culprit ${shas[4]} change 4, named by hand`,
    );
  });
});
