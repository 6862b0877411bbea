/**
 * The real benchmark histories in shared/data are not the project's to commit: tests find them through
 * PERFSITE_REAL_DATA (.ci/run sets it). Set, the folder must exist and the tests run; unset, they skip, visibly.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';

const configured = process.env.PERFSITE_REAL_DATA;

if (configured && !existsSync(configured)) {
  throw new Error(`PERFSITE_REAL_DATA=${configured} does not exist: point it at the shared data folder, or unset it to skip these tests.`);
}

/** For tests that list their cases from the real data when it is there (none otherwise: the block is skipped anyway). */
export const realDataConfigured = Boolean(configured);

export function realDataPath(...parts: string[]): string {
  if (!configured) throw new Error('PERFSITE_REAL_DATA is not set');
  return path.join(path.resolve(configured), ...parts);
}

/** describe() when the real data is there; otherwise a skipped block whose reason shows in the test report. */
export function describeRealData(name: string, body: () => void): void {
  if (configured) describe(name, body);
  else {
    console.warn(`PERFSITE_REAL_DATA is not set: skipping "${name}" (real benchmark histories).`);
    describe.skip(`${name} [skipped: PERFSITE_REAL_DATA is not set]`, body);
  }
}
