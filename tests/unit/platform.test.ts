import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertPlatformId,
  gpuShortName,
  PlatformIdError,
  platformFromSnapshot,
  type SystemSnapshot,
} from '../../src/lib/store/platform.ts';
import { runRecordSchema } from '../../src/lib/store/record.ts';
import { PROJECT_ROOT } from '../helpers.ts';

const fixtures = path.join(PROJECT_ROOT, 'tests/fixtures/systeminformation');
const named = JSON.parse(readFileSync(path.join(fixtures, 'named-platforms.json'), 'utf8')) as {
  cases: Array<{ expected: string; env: Record<string, string>; snapshot: SystemSnapshot }>;
};
const recordedHere = JSON.parse(readFileSync(path.join(fixtures, 'linux-epyc-2c.json'), 'utf8')) as SystemSnapshot;

describe('platform ids from systeminformation snapshots', () => {
  it.each(named.cases)('$expected', ({ expected, env, snapshot }) => {
    const platform = platformFromSnapshot(snapshot, env);
    expect(platform.id).toBe(expected);
    // The details must fit the record schema, so any detected platform can be recorded.
    expect(() => runRecordSchema.shape.platform.parse(platform)).not.toThrow();
  });

  it('names a generic machine <OS>_<arch>_<N>C_<M>GB, from a snapshot recorded on this kind of machine', () => {
    const platform = platformFromSnapshot(recordedHere, {});
    expect(platform.id).toBe('Linux_x86_64_2C_24GB');
    expect(platform.details).toMatchObject({ os: 'linux', arch: 'x64', cpu: 'AMD EPYC', cores: 2, ci: null, gpus: [] });
    expect(platform.details.memoryGb).toBeCloseTo(23.54, 2);
  });

  it('marks other CI providers in the id and the details', () => {
    expect(platformFromSnapshot(recordedHere, { CI: 'true' })).toMatchObject({ id: 'CI_Linux_x86_64_2C_24GB', details: { ci: 'ci' } });
    expect(platformFromSnapshot(recordedHere, { GITLAB_CI: 'true', CI: 'true' }).details.ci).toBe('gitlab');
    expect(platformFromSnapshot(recordedHere, { CI: 'false' }).id).toBe('Linux_x86_64_2C_24GB');
  });

  it('records GPUs from nvidia-smi in the details', () => {
    const a100 = named.cases.find((c) => c.expected === 'A100_80GB');
    expect(a100).toBeDefined();
    expect(platformFromSnapshot(a100?.snapshot as SystemSnapshot, {}).details.gpus).toEqual([
      { vendor: 'NVIDIA', model: 'NVIDIA A100-SXM4-80GB', memoryGb: 80 },
    ]);
  });

  it.each([
    ['NVIDIA GeForce RTX 4090', 'RTX_4090'],
    ['NVIDIA A100-SXM4-80GB', 'A100'],
    ['NVIDIA A100 80GB PCIe', 'A100'],
    ['NVIDIA H100 80GB HBM3', 'H100'],
    ['Tesla V100-SXM2-16GB', 'V100'],
    ['NVIDIA GeForce RTX 3090 Ti', 'RTX_3090_Ti'],
    ['NVIDIA L4', 'L4'],
  ])('shortens GPU model %s to %s', (model, short) => {
    expect(gpuShortName(model)).toBe(short);
  });
});

describe('PERFORMANCE_PLATFORM', () => {
  it('overrides the detected id and keeps the detected details', () => {
    const platform = platformFromSnapshot(recordedHere, { PERFORMANCE_PLATFORM: 'M1_Mac_16GB' });
    expect(platform.id).toBe('M1_Mac_16GB');
    expect(platform.details.cpu).toBe('AMD EPYC');
  });

  it.each(['../../etc', '..', '.', 'a/b', 'a\\b', '/etc/passwd', 'x y', '$(reboot)', '<script>', '', 'é', `a${'b'.repeat(200)}`, '-rf'])(
    'refuses %j, naming the variable and the allowed characters',
    (value) => {
      if (value === '') {
        // An empty variable means "not set", as in the shell.
        expect(platformFromSnapshot(recordedHere, { PERFORMANCE_PLATFORM: value }).id).toBe('Linux_x86_64_2C_24GB');
        return;
      }
      expect(() => platformFromSnapshot(recordedHere, { PERFORMANCE_PLATFORM: value })).toThrow(PlatformIdError);
      expect(() => assertPlatformId(value, 'PERFORMANCE_PLATFORM')).toThrow(/PERFORMANCE_PLATFORM=.*letters, digits/);
    },
  );
});
