import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from '../../src/lib/shared/downsample.ts';
import { compactSvg } from '../../src/lib/site/charts.ts';

describe('downsampleMinMax', () => {
  const series = Array.from({ length: 10_000 }, (_, i) => ({ i, v: Math.sin(i / 100) }));

  it('leaves a short series alone', () => {
    expect(downsampleMinMax(series.slice(0, 50), 100, (p) => p.v)).toEqual(series.slice(0, 50));
  });

  it('keeps at most about maxPoints points, in order, with the first and the last', () => {
    const thinned = downsampleMinMax(series, 400, (p) => p.v);
    expect(thinned.length).toBeLessThanOrEqual(402);
    expect(thinned.length).toBeGreaterThan(300);
    expect(thinned.map((p) => p.i)).toEqual([...thinned.map((p) => p.i)].sort((a, b) => a - b));
    expect(thinned[0]?.i).toBe(0);
    expect(thinned.at(-1)?.i).toBe(9999);
  });

  it('never hides a one-point spike or dip, nor a point marked to keep', () => {
    const spiky = series.map((p) => (p.i === 4321 ? { ...p, v: 50 } : p.i === 777 ? { ...p, v: -50 } : p));
    const thinned = downsampleMinMax(
      spiky,
      200,
      (p) => p.v,
      (p) => p.i === 1234,
    );
    const kept = new Set(thinned.map((p) => p.i));
    expect(kept.has(4321)).toBe(true);
    expect(kept.has(777)).toBe(true);
    expect(kept.has(1234)).toBe(true);
  });
});

describe('compactSvg', () => {
  it('rounds coordinates to a tenth of a pixel and leaves labels alone', () => {
    const svg = '<g transform="translate(0.123,4.56789)"><path d="M12.34567,8.91011L3,4.5"></path><text y="0.32">0.4999 s</text></g>';
    expect(compactSvg(svg)).toBe('<g transform="translate(0.1,4.5)"><path d="M12.3,8.9L3,4.5"></path><text y="0.3">0.4999 s</text></g>');
  });
});
