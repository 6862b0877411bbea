import { describe, expect, it } from 'vitest';
import { sharedShift } from '../../src/lib/analysis/shared-shift.ts';

const lower = (change: number) => ({ change, direction: 'lower' as const });
const higher = (change: number) => ({ change, direction: 'higher' as const });

describe('a shift that a run shares across its metrics', () => {
  it('is found when most metrics moved the same way, for the worse or the better, whatever their direction', () => {
    const slower = [lower(0.3), lower(0.25), lower(0.35), higher(-0.28), lower(0.31), lower(-0.01)];
    expect(sharedShift(slower)).toMatchObject({ metrics: 6, alike: 5 });
    expect(sharedShift(slower)?.worse).toBeCloseTo(0.29, 10);
    const faster = sharedShift(slower.map((status) => ({ ...status, change: -status.change })));
    expect(faster).toMatchObject({ metrics: 6, alike: 5 });
    expect(faster?.worse).toBeCloseTo(-0.29, 10);
  });

  it('is not claimed for a few metrics, small moves, or moves in both ways', () => {
    expect(sharedShift([lower(0.3), lower(0.3), lower(0.3), lower(0.3)])).toBeNull();
    expect(sharedShift([lower(0.05), lower(0.06), lower(0.04), lower(0.05), lower(0.05)])).toBeNull();
    expect(sharedShift([lower(0.3), lower(0.3), lower(0.3), lower(-0.3), lower(-0.3), lower(0.3)])).toBeNull();
    expect(sharedShift([lower(0.3), lower(0.3), lower(0.3), { change: null, direction: 'lower' }, lower(0.3)])).toBeNull();
  });
});
