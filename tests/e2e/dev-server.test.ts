/** `npm run dev` over a history that grows while it runs: a new run's page is there without a restart. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { metricSlug } from '../../src/lib/store/metric-slug.ts';
import { appendRun } from '../../src/lib/store/store.ts';
import { childEnv, freePort, makeRecord, PROJECT_ROOT, tempDir } from '../helpers.ts';

const servers: ChildProcess[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.kill('SIGTERM');
});

/** Starts `astro dev` and resolves once it says where it listens. */
async function startDev(data: string): Promise<string> {
  const port = await freePort();
  const server = spawn(
    process.execPath,
    [path.join(PROJECT_ROOT, 'node_modules/astro/bin/astro.mjs'), 'dev', '--port', String(port), '--host', '127.0.0.1', '--ignore-lock'],
    {
      cwd: PROJECT_ROOT,
      env: childEnv({ PERFORMANCE_DB_PATH: data, ASTRO_TELEMETRY_DISABLED: '1' }),
    },
  );
  servers.push(server);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('watching for file changes')) resolve();
    };
    server.stdout?.on('data', listen);
    server.stderr?.on('data', listen);
    server.once('exit', (code) => reject(new Error(`astro dev exited with ${code}:\n${output}`)));
  });
  return `http://127.0.0.1:${port}`;
}

it('serves a run recorded after `astro dev` started, without a restart', async () => {
  const data = await tempDir();
  const first = await appendRun(data, makeRecord({}, new Date('2026-11-20T10:00:00Z')));
  const origin = await startDev(data);
  const status = (id: string) => fetch(`${origin}/runs/${id}/`).then((response) => response.status);
  const response = await fetch(`${origin}/runs/${first.record.id}/`);
  expect(response.status, await response.text()).toBe(200);

  const later = await appendRun(data, makeRecord({}, new Date('2026-11-21T10:00:00Z')));
  // Waits for the file watcher to pass the news on; a dev server that never does keeps answering 404.
  await expect.poll(() => status(later.record.id), { timeout: 60_000, interval: 250 }).toBe(200);
  const overview = await fetch(`${origin}/`).then((response) => response.text());
  expect(overview).toContain(later.record.id);
  // What a build writes from its hook (series-files-writer.ts), the dev server serves from its routes.
  const slug = metricSlug('demo', 'latency');
  const chart = await fetch(`${origin}/charts/${first.record.platform.id}/${slug}.svg`);
  expect(chart.headers.get('content-type')).toContain('image/svg+xml');
  expect(await chart.text()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" /);
  const series = await fetch(`${origin}/data/series/${first.record.platform.id}/${slug}.json`).then((response) => response.json());
  expect(series).toHaveProperty('total', 2);
});
