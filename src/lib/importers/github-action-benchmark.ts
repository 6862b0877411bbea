/**
 * A github-action-benchmark history: its `data.js` (window.BENCHMARK_DATA = {…}) or the same object as
 * JSON. Every entry of every series (the action's `name:` input) becomes a run with its commit, message
 * and commit time. A series is either a suite (one machine, several benchmark sets: "Go Benchmark", "Rust
 * Benchmark") or a machine (the same benchmarks run on several: "macOS-apple_m2_pro", "linux-x64");
 * seriesKind tells which from the benchmarks they hold.
 */

import { z } from 'zod';
import { describeZodError } from '../shared/zod-issues.ts';
import type { Direction, MetricInput, Problem } from '../store/record.ts';
import { directionOfUnit, type ImportedRun, type ImportSource, isFiniteNumber, problemAt } from './types.ts';

const bench = z.object({
  name: z.string(),
  value: z.number(),
  unit: z.string(),
  range: z.string().optional(),
  extra: z.string().optional(),
});
const entry = z.object({
  commit: z
    .object({
      id: z.string().regex(/^[0-9a-f]{7,64}$/),
      message: z.string().nullable().optional(),
      timestamp: z.string().nullable().optional(),
    })
    .loose(),
  date: z.number(),
  tool: z.string(),
  benches: z.array(z.unknown()),
});

const DIRECTION_OF_TOOL: Record<string, Direction> = { customBiggerIsBetter: 'higher', customSmallerIsBetter: 'lower' };

/** "± 3.44", "+/- 2,802", "±0.19%", "stddev: 0.0012": an interval around the value, when it can be read. */
function spreadOf(value: number, range: string | undefined): MetricInput['spread'] {
  if (!range) return undefined;
  const match = /^(?:±|\+\/-|stddev:)\s*([\d,.eE+-]+)\s*(%?)$/.exec(range.trim());
  if (!match) return undefined;
  const amount = Number((match[1] as string).replaceAll(',', ''));
  if (!isFiniteNumber(amount)) return undefined;
  const half = match[2] === '%' ? (value * amount) / 100 : amount;
  return {
    low: value - half,
    high: value + half,
    kind: range.trim().startsWith('stddev')
      ? '± standard deviation'
      : `± ${match[2] === '%' ? 'relative margin' : 'range'} the tool reports`,
  };
}

/** The suite of every metric when the series are machines: the action's default for its `name:` input. */
export const MACHINE_SERIES_SUITE = 'Benchmark';

export interface SeriesKind {
  kind: 'machines' | 'suites';
  because: string;
}

/**
 * Series are machines when there are several, all written by one tool, and each shares at least half of its
 * benchmark names with another (Jaccard index ≥ 0.5): the same benchmarks measured on several machines.
 * Otherwise each series is a suite of its own.
 */
export function seriesKind(runs: ReadonlyArray<{ suiteName: string; tool: string; metrics: ReadonlyArray<{ name: string }> }>): SeriesKind {
  const series = new Map<string, { tools: Set<string>; names: Set<string> }>();
  for (const run of runs) {
    const entry = series.get(run.suiteName) ?? { tools: new Set(), names: new Set() };
    entry.tools.add(run.tool);
    for (const metric of run.metrics) entry.names.add(metric.name);
    series.set(run.suiteName, entry);
  }
  const all = [...series.values()];
  if (all.length < 2) return { kind: 'suites', because: 'it holds one series' };
  const tools = new Set(all.flatMap((entry) => [...entry.tools]));
  if (tools.size > 1) return { kind: 'suites', because: `its series were written by ${tools.size} tools` };
  const jaccard = (a: Set<string>, b: Set<string>) => {
    const shared = [...a].filter((name) => b.has(name)).length;
    return shared / (a.size + b.size - shared);
  };
  const alone = all.filter((entry) => !all.some((other) => other !== entry && jaccard(entry.names, other.names) >= 0.5));
  if (alone.length > 0) return { kind: 'suites', because: 'its series hold different benchmarks' };
  return { kind: 'machines', because: `its ${all.length} series hold the same benchmarks, written by ${[...tools][0]}` };
}

export function parseGithubActionBenchmarkData(
  text: string,
  source: ImportSource,
): { runs: Array<ImportedRun & { suiteName: string; tool: string }>; problems: Problem[] } {
  const json = text.trimStart().startsWith('{') ? text : text.slice(text.indexOf('{'));
  const document = z.object({ entries: z.record(z.string(), z.array(z.unknown())) }).safeParse(JSON.parse(json.replace(/;\s*$/, '')));
  if (!document.success)
    return {
      runs: [],
      problems: [problemAt(source, 'entries', 'is not a github-action-benchmark history (window.BENCHMARK_DATA = {entries: {…}})')],
    };
  const runs: Array<ImportedRun & { suiteName: string; tool: string }> = [];
  const problems: Problem[] = [];
  for (const [suiteName, entries] of Object.entries(document.data.entries)) {
    for (const [index, raw] of entries.entries()) {
      const where = `entries[${JSON.stringify(suiteName)}][${index}]`;
      const parsed = entry.safeParse(raw);
      if (!parsed.success) {
        problems.push(problemAt(source, where, `is not a benchmark entry (${describeZodError(parsed.error)})`));
        continue;
      }
      const { commit, date, tool, benches } = parsed.data;
      const metrics: MetricInput[] = [];
      for (const [benchIndex, item] of benches.entries()) {
        const result = bench.safeParse(item);
        if (!result.success) {
          problems.push(
            problemAt(source, `${where}.benches[${benchIndex}]`, `is not {name, value, unit} (${describeZodError(result.error)})`),
          );
          continue;
        }
        const { name, value, range, extra } = result.data;
        // Older versions of the action put Go's extra metrics into the unit ("ns/op\t  4.000 auxMetricUnits"):
        // the unit is its first word, and the rest is kept as the description.
        const [unit = '', ...spilled] = /\t/.test(result.data.unit) ? result.data.unit.trim().split(/\s+/) : [result.data.unit];
        const description = extra ?? (spilled.length > 0 ? spilled.join(' ') : undefined);
        const spread = spreadOf(value, range);
        metrics.push({
          suite: suiteName,
          name,
          value,
          unit,
          direction: DIRECTION_OF_TOOL[tool] ?? directionOfUnit(unit),
          ...(spread ? { spread } : {}),
          ...(description ? { description: description.slice(0, 2000) } : {}),
        });
      }
      if (metrics.length === 0) continue;
      runs.push({
        key: `github-action-benchmark\u0000${suiteName}\u0000${commit.id}\u0000${date}`,
        suiteName,
        tool,
        timestamp: new Date(date).toISOString(),
        git: {
          commit: commit.id,
          branch: null,
          dirty: false,
          message: commit.message ?? null,
          commitTime: commit.timestamp ? new Date(commit.timestamp).toISOString() : null,
          parents: [],
          shallow: false,
        },
        metrics,
      });
    }
  }
  return { runs, problems };
}
