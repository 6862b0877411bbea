/** Numbers as people read them: four significant digits, thousands separated, never exponent noise. */
export function formatNumber(value: number | null): string {
  if (value === null) return '—';
  if (value === 0) return '0';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en');
  return Number(value.toPrecision(4)).toString();
}

export function formatValue(value: number | null, unit: string): string {
  return value === null ? '—' : `${formatNumber(value)} ${unit}`.trim();
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

/** p-values span many orders of magnitude: small ones in scientific notation, never a bare 0. */
export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p < 1e-4) return p === 0 ? '< 1e-300' : p.toExponential(1);
  return p.toPrecision(2);
}

/** The change with its 95 % interval and p-value when samples allowed a test: "+25.0% (+20.1% to +30.3%, p 0.003)". */
export function formatChangeWithInterval(
  change: number | null,
  significance: { pValue: number; low: number; high: number } | null | undefined,
): string {
  if (!significance || change === null) return formatChange(change);
  return `${formatChange(change)} (${formatChange(significance.low)} to ${formatChange(significance.high)}, p ${formatPValue(significance.pValue)})`;
}
