/**
 * Peak memory of a workload, measured in a child process of its own so that nothing else the
 * runner holds is counted: the child runs one exported function and reports its maximum resident set.
 */
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

const CHILD = fileURLToPath(new URL('./peak-memory-child.ts', import.meta.url));

export async function measurePeakMemoryGb(moduleUrl: string, exportName: string): Promise<number> {
  const output = await $({ quiet: true })`${process.execPath} ${CHILD} ${moduleUrl} ${exportName}`;
  const { maxRssKb } = JSON.parse(output.stdout.trim().split('\n').at(-1) ?? '{}') as { maxRssKb?: number };
  if (typeof maxRssKb !== 'number') throw new Error(`the peak-memory child for ${exportName} reported nothing`);
  return maxRssKb / 1024 ** 2;
}
