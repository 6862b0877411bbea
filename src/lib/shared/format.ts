/**
 * The one number formatter: every value the site, the charts, the reports and the CLI print goes
 * through here. Four significant digits, SI prefixes on times, sizes and rates (683 ns, 1.005 µs,
 * 2.4 GB/s), thousands separated, never exponent noise. Runs in the browser too: no Node imports.
 */
import type { ChangeTest } from './significance.ts';
import { prefixableBase } from './units.ts';

const SUPERSCRIPTS: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** Four significant digits without trailing zeros: 1.005, 683, 2.4. */
function significant(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

/** Numbers as people read them: four significant digits, thousands separated, powers of ten written out. */
export function formatNumber(value: number | null): string {
  if (value === null) return '—';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en');
  if (magnitude >= 1e-3) return significant(value);
  return scientific(value, 4);
}

/** 6.823 × 10⁻⁷: a power of ten as people write it, with `digits` significant digits. */
function scientific(value: number, digits: number): string {
  const [mantissa = '', exponent = ''] = value.toExponential(digits - 1).split('e');
  return `${Number(mantissa)} × 10${[...exponent.replace('+', '')].map((c) => SUPERSCRIPTS[c] ?? c).join('')}`;
}

/** Seconds take the prefixes below one (no "ks"); sizes and rates the ones above. */
const SMALL_PREFIXES = ['', 'm', 'µ', 'n', 'p'];
const LARGE_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P'];

function withPrefix(value: number, base: string, rest: string): string {
  // Chosen on the rounded value, so 999.96 ms prints as 1 s, not 1000 ms.
  const magnitude = Math.abs(Number(value.toPrecision(4)));
  if (magnitude === 0) return `0 ${base}${rest}`;
  let step = 0;
  let scaled = value;
  if (base === 's') {
    while (step < SMALL_PREFIXES.length - 1 && magnitude * 1000 ** step < 1) step++;
    scaled = value * 1000 ** step;
    return `${formatNumber(scaled)} ${SMALL_PREFIXES[step]}${base}${rest}`;
  }
  while (step < LARGE_PREFIXES.length - 1 && magnitude / 1000 ** step >= 1000) step++;
  scaled = value / 1000 ** step;
  // "3.5M ops/s", not "3.5 Mops/s": the prefix counts operations, it is not part of a unit symbol.
  if (base === 'ops/s') return `${formatNumber(scaled)}${LARGE_PREFIXES[step]} ${base}${rest}`;
  return `${formatNumber(scaled)} ${LARGE_PREFIXES[step]}${base}${rest}`;
}

/**
 * How a chart's value axis reads a unit: ticks as short as formatValue prints them ("200 ms", "2.4 GB"),
 * with what they count per ("per iter") as the axis label; other units as plain numbers under the unit.
 */
export function axisFormat(unit: string): { label: string | null; tick: (value: number) => string } {
  const base = prefixableBase(unit);
  if (!base) return { label: unit || null, tick: formatNumber };
  const rest = unit.slice(base.length);
  return { label: rest.startsWith('/') ? `per ${rest.slice(1)}` : null, tick: (value) => withPrefix(value, base, '') };
}

/** A value with its unit, SI-prefixed where the unit is a time, a size or a rate of them. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null) return '—';
  const base = prefixableBase(unit);
  if (base) return withPrefix(value, base, unit.slice(base.length));
  return `${formatNumber(value)} ${unit}`.trim();
}

/** A relative change as a signed percentage; an unbounded change (zero baseline) says so. */
export function formatChange(change: number | null): string {
  if (change === null) return '—';
  if (!Number.isFinite(change)) return change > 0 ? '+∞ (baseline 0)' : '−∞ (baseline 0)';
  const percent = change * 100;
  const text = Math.abs(percent) >= 100 ? percent.toFixed(0) : percent.toFixed(1);
  if (Number(text) === 0) return '0.0%';
  return `${percent > 0 ? '+' : '−'}${text.replace('-', '')}%`;
}

export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

/**
 * A p-value as a bound past what any test here can resolve ("p < 0.001"), else to two digits ("p = 0.034"):
 * a p-value of 10⁻¹⁰⁵ claims a precision no benchmark history has.
 */
export function formatPValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return 'p —';
  if (p < 0.001) return 'p < 0.001';
  return `p = ${Number(p.toPrecision(2))}`;
}

const TEST_NAMES: Record<ChangeTest['test'], (count: number) => string> = {
  runs: (count) => `t-test, spread of ${count} runs`,
  rounds: (count) => `paired t-test over ${count} rounds`,
  samples: () => 'Mann–Whitney over the samples of these two runs only; run-to-run spread unknown',
};

/**
 * The change with the test behind it, all about one statistic: "+25.0%" and "(95% CI +20.1% to +30.3%,
 * p < 0.001, t-test, spread of 20 runs)". The p-value is the one the verdict went by: adjusted across the run's
 * metrics (Benjamini–Hochberg) where it was, and then says so. With too little evidence to test, it says
 * that. Where the test is about the typical sample (or paired rounds) and the tool's values moved
 * differently (a mean pulled by a tail), both are printed, each named. Pages set the detail in smaller text
 * that may wrap (ChangeText.astro); every other output joins the two (formatChangeWithInterval).
 */
export function changeParts(change: number | null, test: ChangeTest | null | undefined): { change: string; detail: string | null } {
  if (!test || change === null) return { change: formatChange(change), detail: null };
  if (test.pValue === null || test.low === null || test.high === null)
    return { change: formatChange(change), detail: `(too few ${test.test === 'rounds' ? 'rounds' : 'runs'} to test: ${test.count})` };
  const adjusted =
    test.adjustedPValue !== null && (test.family ?? 0) > 1
      ? `${formatPValue(test.adjustedPValue)} adjusted for ${test.family} metrics`
      : formatPValue(test.pValue);
  const level = `${Number((test.level * 100).toPrecision(3))}% CI`;
  const tested = `${level} ${formatChange(test.low)} to ${formatChange(test.high)}, ${adjusted}, ${TEST_NAMES[test.test](test.count)}`;
  if (test.test !== 'runs' && formatChange(test.estimate) !== formatChange(change)) {
    const [mine, theirs] = test.test === 'samples' ? ["tool's values", 'typical sample'] : ['medians', 'paired rounds'];
    return { change: `${formatChange(change)} (${mine});`, detail: `${theirs} ${formatChange(test.estimate)} (${tested})` };
  }
  return { change: formatChange(change), detail: `(${tested})` };
}

export function formatChangeWithInterval(change: number | null, test: ChangeTest | null | undefined): string {
  const parts = changeParts(change, test);
  return parts.detail === null ? parts.change : `${parts.change} ${parts.detail}`;
}
