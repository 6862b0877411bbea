/** hyperfine --export-json: one metric per command, its run times as samples (seconds). */

import { z } from 'zod';
import { describeZodError } from '../shared/zod-issues.ts';
import { type Parser, problemAt } from './types.ts';

const schema = z.object({
  results: z.array(
    z.object({
      command: z.string(),
      median: z.number(),
      times: z.array(z.number()).optional(),
      exit_codes: z.array(z.number().nullable()).optional(),
    }),
  ),
});

export const parseHyperfine: Parser = (text, source) => {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success)
    return { runs: [], problems: [problemAt(source, 'results', `is not hyperfine's JSON (${describeZodError(parsed.error)})`)] };
  const failed = (codes: Array<number | null> | undefined) => (codes ?? []).some((code) => code !== 0);
  return {
    runs: [
      {
        key: `hyperfine\u0000${text}`,
        metrics: parsed.data.results.map((result) => ({
          suite: source.suite,
          name: result.command,
          unit: 's',
          direction: 'lower' as const,
          ...(failed(result.exit_codes)
            ? { value: null, status: 'failed' as const, description: 'the command exited with a non-zero code' }
            : { value: result.median, ...(result.times ? { samples: result.times } : {}) }),
        })),
      },
    ],
    problems: [],
  };
};
