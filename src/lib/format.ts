/** Numbers as people read them: four significant digits, thousands separated, never exponent noise. */
export function formatNumber(value: number | null): string {
  if (value === null) return '—';
  if (value === 0) return '0';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en');
  return Number(value.toPrecision(4)).toString();
}
