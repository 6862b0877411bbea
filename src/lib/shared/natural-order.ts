/**
 * Names in the order people read them: digits as numbers, so `n=200` comes before `n=1000` and
 * `fib(9)` before `fib(10)`. Runs in the browser too: no Node imports.
 */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** Natural order; two names it deems equal are still ordered, by code unit, so a sort is stable across machines. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Series in natural order: by platform, then suite, then metric. */
export function compareSeries(
  a: { platform?: string; suite: string; metric: string },
  b: { platform?: string; suite: string; metric: string },
): number {
  return naturalCompare(a.platform ?? '', b.platform ?? '') || naturalCompare(a.suite, b.suite) || naturalCompare(a.metric, b.metric);
}
