/** The report for programs: the run report view model as JSON, with unbounded changes made explicit. */
import type { RunReport } from './run-report.ts';

export const REPORT_FORMAT_VERSION = 1;

export function renderJsonReport(report: RunReport): string {
  const metrics = report.metrics.map((metric) => ({
    ...metric,
    change: metric.change !== null && Number.isFinite(metric.change) ? metric.change : null,
    changeUnbounded: metric.change !== null && !Number.isFinite(metric.change),
  }));
  return `${JSON.stringify({ reportVersion: REPORT_FORMAT_VERSION, ...report, metrics }, null, 2)}\n`;
}
