/**
 * JavaScript `console.time` / `console.timeEnd` lines as Node, Deno and browsers print them: `label: 1.234ms`,
 * `label: 1.234s`, and Node's `label: 1:02.345 (m:ss.mmm)` for a minute or more. A label timed more than once
 * becomes one metric with a sample per line. Every value is kept in milliseconds.
 */
import type { MetricInput, Problem } from '../store/record.ts';
import { median, type Parser, problemAt } from './types.ts';

const SHORT = /^(.+): (\d+(?:\.\d+)?)(ms|s)$/;
const LONG = /^(.+): (?:(\d+):)?(\d+):(\d\d(?:\.\d+)?) \((?:h:mm|m):ss\.mmm\)$/;

export const parseConsoleTime: Parser = (text, source) => {
  const samples = new Map<string, number[]>();
  const problems: Problem[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const short = SHORT.exec(line);
    const long = short ? null : LONG.exec(line);
    let label: string;
    let milliseconds: number;
    if (short) {
      label = short[1] as string;
      milliseconds = Number(short[2]) * (short[3] === 's' ? 1000 : 1);
    } else if (long) {
      label = long[1] as string;
      milliseconds = ((Number(long[2] ?? 0) * 60 + Number(long[3])) * 60 + Number(long[4])) * 1000;
    } else continue;
    samples.set(label, [...(samples.get(label) ?? []), milliseconds]);
  }
  const metrics: MetricInput[] = [...samples].map(([name, values]) => ({
    suite: source.suite,
    name,
    value: median(values),
    unit: 'ms',
    direction: 'lower',
    ...(values.length > 1 ? { samples: values } : {}),
  }));
  if (metrics.length === 0) problems.push(problemAt(source, '(whole file)', 'holds no "label: 1.234ms" lines of console.timeEnd'));
  return { runs: metrics.length > 0 ? [{ key: `console-time\u0000${text}`, metrics }] : [], problems };
};
