/**
 * `go test -bench` text: one metric per benchmark and unit (ns/op, B/op, allocs/op, MB/s and custom
 * ReportMetric units); with -count=N the N lines become samples. The -P suffix (GOMAXPROCS) stays in the name,
 * and is a parameter (procs) beside the sub-benchmark parts.
 */
import type { MetricInput, Problem } from '../store/record.ts';
import { goParams, withParams } from './params.ts';
import { directionOfUnit, median, type Parser, problemAt } from './types.ts';

const LINE = /^(Benchmark\S*)\s+(\d+)\s+(.+)$/;

export const parseGoBench: Parser = (text, source) => {
  const samples = new Map<string, { unit: string; values: number[] }>();
  const problems: Problem[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    const match = LINE.exec(line.trim());
    if (!match) continue;
    const [, name, , rest] = match as unknown as [string, string, string, string];
    const fields = rest.trim().split(/\s+/);
    if (fields.length % 2 !== 0) {
      problems.push(problemAt(source, `line ${index + 1}`, `is not "value unit" pairs: ${line.trim()}`));
      continue;
    }
    for (let field = 0; field < fields.length; field += 2) {
      const value = Number(fields[field]);
      const unit = fields[field + 1] as string;
      if (!Number.isFinite(value)) {
        problems.push(problemAt(source, `line ${index + 1}`, `has ${fields[field]} where a number should be`));
        continue;
      }
      const key = `${name}\u0000${unit}`;
      const entry = samples.get(key) ?? { unit, values: [] };
      entry.values.push(value);
      samples.set(key, entry);
    }
  }
  const metrics: MetricInput[] = [...samples].map(([key, { unit, values }]) => {
    const name = key.split('\u0000')[0] as string;
    const { benchmark, params } = goParams(name);
    const suffix = unit === 'ns/op' ? '' : ` ${unit}`;
    return {
      suite: source.suite,
      name: `${name}${suffix}`,
      ...withParams(`${benchmark}${suffix}`, params),
      value: median(values),
      unit,
      direction: directionOfUnit(unit),
      ...(values.length > 1 ? { samples: values } : {}),
    };
  });
  return { runs: metrics.length > 0 ? [{ key: `go\u0000${text}`, metrics }] : [], problems };
};
