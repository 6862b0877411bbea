/**
 * The parameters a tool writes into a benchmark's name, read back out: every combination of one benchmark
 * then carries the benchmark's own name and its parameters in order (record v1's benchmark and params).
 * Names keep what the tool wrote; these only add structure beside them.
 */
import type { MetricInput } from '../store/record.ts';

export type Params = NonNullable<MetricInput['params']>;

/** benchmark + params for a metric, or nothing when the benchmark has no parameters. */
export function withParams(benchmark: string, params: Params): Pick<MetricInput, 'benchmark' | 'params'> {
  return params.length > 0 ? { benchmark, params } : {};
}

/** An unnamed parameter is named by its position, counted from 1 as people count arguments. */
const positional = (params: Params) => String(params.length + 1);

/**
 * Google Benchmark: `BM_x/8/64`, `BM_x/n:8/m:64` (ArgNames), `BM_x/threads:4`, with run settings such as
 * `real_time`, `min_time:0.5`, `iterations:100` and `repeats:3` that configure the run and are not parameters.
 */
export function googleBenchmarkParams(name: string): { benchmark: string; params: Params } {
  const [benchmark = name, ...parts] = name.split('/');
  const params: Params = [];
  for (const part of parts) {
    if (/^(real_time|process_time|manual_time)$/.test(part) || /^(min_time|min_warmup_time|iterations|repeats):/.test(part)) continue;
    const named = /^([^:]+):(.*)$/.exec(part);
    params.push(named ? { name: named[1] as string, value: named[2] as string } : { name: positional(params), value: part });
  }
  return { benchmark, params };
}

/**
 * Go: `BenchmarkX/size=10/mode=fast-8`. Sub-benchmark parts are parameters (`key=value` named, others by
 * position), and the `-8` GOMAXPROCS suffix is one too (`procs`), so `-cpu 1,2,4` reads as a parameter.
 */
export function goParams(name: string): { benchmark: string; params: Params } {
  const procs = /-(\d+)$/.exec(name);
  const bare = procs ? name.slice(0, -procs[0].length) : name;
  const [benchmark = bare, ...parts] = bare.split('/');
  const params: Params = [];
  for (const part of parts) {
    const named = /^([^=]+)=(.*)$/.exec(part);
    params.push(named ? { name: named[1] as string, value: named[2] as string } : { name: positional(params), value: part });
  }
  if (procs) params.push({ name: 'procs', value: procs[1] as string });
  return { benchmark, params };
}

/**
 * Criterion: `group/function/value` (a BenchmarkId inside a group) is the group's benchmark at a function and
 * an input; `group/value` with a numeric value is the group's benchmark at that input. Other names have none.
 */
export function criterionParams(name: string): { benchmark: string; params: Params } {
  const parts = name.split('/');
  if (parts.length === 3) {
    const [group, fn, value] = parts as [string, string, string];
    return {
      benchmark: group,
      params: [
        { name: 'function', value: fn },
        { name: 'input', value },
      ],
    };
  }
  if (parts.length === 2 && /^-?\d+(\.\d+)?$/.test(parts[1] as string))
    return { benchmark: parts[0] as string, params: [{ name: 'input', value: parts[1] as string }] };
  return { benchmark: name, params: [] };
}

/** A value of any JSON type as a parameter's text: strings as they are, the rest as JSON. */
export function paramText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
