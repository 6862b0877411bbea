/** Every test file belongs to a tier: vitest's projects only run tests/unit and tests/e2e, so one left elsewhere would never run. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers.ts';

describe('test tiers', () => {
  it('finds every test file under tests/unit or tests/e2e', async () => {
    const files = (await readdir(path.join(PROJECT_ROOT, 'tests'), { recursive: true })).filter((file) => file.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(40);
    expect(files.filter((file) => !/^(unit|e2e)\//.test(file.split(path.sep).join('/')))).toEqual([]);
  });
});
