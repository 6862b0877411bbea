/** The inputs perfsite's action takes under github-action-benchmark's names, where their meaning differs. */

/**
 * github-action-benchmark's alert-threshold is a ratio written as a percentage ("200%": twice as slow);
 * perfsite's threshold is the relative change (1.0 = 100 % slower). Empty: perfsite's own threshold.
 */
export function thresholdOf(alertThreshold: string): { threshold: number; said: string } | { error: string } | Record<string, never> {
  if (alertThreshold === '') return {};
  const match = /^(\d+(?:\.\d+)?)%$/.exec(alertThreshold);
  if (!match)
    return { error: `input alert-threshold is ${JSON.stringify(alertThreshold)}: write it as github-action-benchmark does, e.g. 150%` };
  const ratio = Number(match[1]) / 100;
  if (ratio <= 1)
    return { error: `input alert-threshold ${alertThreshold} would alert on every run: it is a ratio to the baseline, above 100%` };
  const threshold = ratio - 1;
  return {
    threshold,
    said: `alert-threshold ${alertThreshold} (github-action-benchmark's ratio to the baseline) is perfsite's threshold of ${Math.round(threshold * 100)} %`,
  };
}
