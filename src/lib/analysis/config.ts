/**
 * perfsite.config.json: the project's settings for analysis. Optional; every field has a default.
 * Environment variables and flags override it where the seed defined one (REGRESSION_THRESHOLD).
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { DataError } from '../shared/errors.ts';
import { describeZodError } from '../shared/zod-issues.ts';
import { displayPath } from '../store/paths.ts';

const thresholdSchema = z.number().positive().max(100);

export const configSchema = z
  .object({
    defaultBranch: z
      .string()
      .min(1)
      .default('main')
      .describe('Rolling baselines use the runs of this branch (and runs recorded outside git).'),
    baselineWindow: z.number().int().min(1).max(1000).default(5).describe('How many recent runs the rolling baseline is the median of.'),
    threshold: thresholdSchema.default(0.2).describe('Default relative regression threshold (0.2 = 20 %).'),
    significance: z
      .enum(['both', 'threshold', 'significance'])
      .default('both')
      .describe(
        'How a run is judged when its series has 3 or more runs at the baseline\'s level to test against (a t-test of the run against their spread, Benjamini–Hochberg across the run\'s metrics): "both" (a regression is beyond the threshold and significant; beyond it but not significant is likely noise), "threshold" (the threshold alone), or "significance" (any significant change for the worse).',
      ),
    significanceLevel: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.05)
      .describe('The adjusted p-value below which a change counts as real; intervals are printed at 1 − this level.'),
    suites: z.record(z.string(), z.object({ threshold: thresholdSchema.optional() })).default({}),
    metrics: z
      .record(z.string(), z.object({ threshold: thresholdSchema.optional() }))
      .default({})
      .describe('Keyed "suite/metric".'),
    bisect: z
      .object({
        runsPerNight: z
          .number()
          .int()
          .min(0)
          .max(10_000)
          .default(0)
          .describe('The most benchmark runs `perfsite bisect --open-events` makes in one go (the nightly workflow): 0 bisects nothing.'),
        repeats: z.number().int().min(1).max(50).default(3).describe('Runs of each commit in a turn of a bisect.'),
        maxRuns: z.number().int().min(1).max(500).default(12).describe('The most runs of a probed commit before its nearer end is taken.'),
        command: z
          .array(z.string().min(1).max(4096), { error: 'must be argv, a list of strings: ["node", "bench.mjs"]' })
          .min(1)
          .max(256)
          .optional()
          .describe(
            "The benchmark command run in each commit's checkout, as argv (never a shell line); absent, the suites of bench/. `--` COMMAND on the command line replaces it.",
          ),
        tool: z
          .string()
          .min(1)
          .optional()
          .describe("The format of the results `command` writes (as the action's tool input), imported after each run."),
        outputFilePath: z.string().min(1).optional().describe('Where `command` writes them, relative to the checkout.'),
        suite: z.string().min(1).default('bench').describe('The suite imported results go in.'),
        install: z
          .array(z.string().min(1).max(4096), { error: 'must be argv, a list of strings: ["npm", "ci"]' })
          .max(256)
          .default([])
          .describe('Run once in each checkout before its first run, as argv (e.g. ["npm", "ci"]); empty, nothing.'),
      })
      .strict()
      .default({ runsPerNight: 0, repeats: 3, maxRuns: 12, suite: 'bench', install: [] })
      .describe('Narrowing open regression events to the commit that made them (perfsite bisect).'),
  })
  .strict();

export type Config = z.output<typeof configSchema>;

export const CONFIG_FILE = 'perfsite.config.json';

export class ConfigError extends DataError {}

export async function loadConfig(root: string = process.cwd()): Promise<Config> {
  const file = path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return configSchema.parse({});
    throw new ConfigError(`${displayPath(file)} cannot be read: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${displayPath(file)} is not valid JSON (${(error as Error).message}). Fix the file or delete it to use the defaults.`,
    );
  }
  const result = configSchema.safeParse(data);
  if (!result.success) {
    const issues = describeZodError(result.error, Number.POSITIVE_INFINITY);
    throw new ConfigError(`${displayPath(file)} is not a valid perfsite config: ${issues}.`);
  }
  return result.data;
}
