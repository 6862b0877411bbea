/**
 * The run record, format v1: the one source of truth for what a recorded run is.
 * Everything else (the JSON Schema in public/schema/, the Parquet columns, the site)
 * is derived from this file.
 */

import { z } from 'zod';
import { DIRECTIONS } from '../shared/direction.ts';
import { EXIT, PerfsiteError } from '../shared/errors.ts';
import { fieldPath } from '../shared/zod-issues.ts';

export const SCHEMA_VERSION = 1;

/** Ids end up in file names and URLs, so they are restricted to characters that are safe in both. */
export const SAFE_ID_PATTERN = '[A-Za-z0-9][A-Za-z0-9._-]{0,127}';
const SAFE_ID = new RegExp(`^${SAFE_ID_PATTERN}$`);

export const safeIdSchema = z
  .string()
  .regex(SAFE_ID, 'use only letters, digits, ".", "_" and "-", starting with a letter or digit (at most 128 characters)');

/** Names come from strangers' benchmarks: any printable text, escaped wherever it is shown. */
const nameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(400, 'must be at most 400 characters')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters (newlines, tabs, NUL)');

const finiteNumber = z.number({ error: 'must be a finite number (NaN and Infinity are not measurements)' });

const isoTimestamp = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time such as 2026-11-25T15:16:00Z' });

/** How many parameters a combination may name, and how long each name and value may be (record-text.ts shortens longer ones). */
export const PARAMS_MAX = 32;
export const PARAM_NAME_MAX = 100;
export const PARAM_VALUE_MAX = 200;

export const runTypes = ['ci', 'nightly', 'manual', 'pr', 'bisect', 'backfill'] as const;
export const modes = ['quick', 'standard', 'comprehensive'] as const;
export { DIRECTIONS as directions } from '../shared/direction.ts';
export const metricStatuses = ['ok', 'failed', 'skipped'] as const;

export const metricSchema = z
  .object({
    suite: nameSchema.describe('The suite (group) the metric belongs to.'),
    name: nameSchema.describe('The metric name, unique within its suite.'),
    value: finiteNumber
      .nullable()
      .describe('The measured value (the median of the samples when there are samples); null when the measurement failed or was skipped.'),
    unit: z
      .string()
      .max(40)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
      .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters')
      .describe(
        'Unit of the value: s, ms, ns/iter, B, items/s, GB/s, ratio, score… Times, sizes and their rates are compared across units.',
      ),
    direction: z.enum(DIRECTIONS).describe('Which way is better.'),
    samples: z.array(finiteNumber).optional().describe('The raw repeated measurements the value summarises.'),
    spread: z
      .object({
        low: finiteNumber,
        high: finiteNumber,
        kind: z.string().max(80).describe('What the interval is, e.g. "± standard deviation", "99 % confidence interval".'),
      })
      .optional()
      .describe('The spread a tool reports when it keeps no samples (imports): an interval around the value.'),
    status: z.enum(metricStatuses).default('ok').describe('ok, or failed / skipped when no value could be measured.'),
    threshold: z
      .number()
      .positive()
      .max(100)
      .optional()
      .describe('A relative regression threshold for this metric (0.2 = 20 %), overriding the default.'),
    description: z.string().max(2000).optional(),
    benchmark: nameSchema
      .optional()
      .describe(
        'For one combination of a parameterised benchmark: the benchmark without its parameters, shared by every combination (name stays the display name, e.g. "time_gemv(800, \'c\')").',
      ),
    params: z
      .array(
        z.object({
          name: nameSchema
            .max(PARAM_NAME_MAX, `must be at most ${PARAM_NAME_MAX} characters`)
            .describe('The parameter, as the tool names it (or its position, "1", "2"…, when it names none).'),
          value: z
            .string()
            .max(PARAM_VALUE_MAX, `must be at most ${PARAM_VALUE_MAX} characters`)
            // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
            .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters'),
        }),
      )
      .min(1)
      .max(PARAMS_MAX)
      .optional()
      .describe('The parameters of this combination, in the order the benchmark declares them. Requires benchmark.'),
  })
  .superRefine((metric, ctx) => {
    if (metric.params && metric.benchmark === undefined) {
      ctx.addIssue({ code: 'custom', path: ['benchmark'], message: 'is required with params: the benchmark these parameters belong to' });
    }
    const names = metric.params?.map((param) => param.name) ?? [];
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated !== undefined) ctx.addIssue({ code: 'custom', path: ['params'], message: `names parameter "${repeated}" twice` });
    if (metric.status === 'ok' && metric.value === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'is null but status is "ok": give a number, or set status to "failed" or "skipped"',
      });
    }
    if (metric.status !== 'ok' && metric.value !== null) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be null when status is "${metric.status}"` });
    }
  });

export const gpuSchema = z.object({
  vendor: z.string(),
  model: z.string(),
  memoryGb: z.number().nonnegative().nullable(),
});

export const platformDetailsSchema = z.object({
  os: z.string().nullable().describe('linux, darwin, win32…; null when unknown (an imported run whose file does not say).'),
  osRelease: z.string().optional(),
  distro: z.string().optional(),
  arch: z.string().nullable(),
  cpu: z.string().nullable(),
  cores: z.number().int().nonnegative().nullable(),
  physicalCores: z.number().int().nonnegative().optional(),
  memoryGb: z.number().nonnegative().nullable(),
  gpus: z.array(gpuSchema).default([]),
  runtime: z.record(z.string(), z.string()).default({}).describe('Versions of the runtimes involved, e.g. {"node": "24.21.0"}.'),
  ci: z.string().nullable().default(null).describe('The CI provider, or null on a developer machine.'),
});

export const gitSchema = z.object({
  commit: z.string().regex(/^[0-9a-f]{7,64}$/, 'must be a hexadecimal commit hash'),
  branch: z.string().max(255).nullable(),
  dirty: z.boolean(),
  message: z.string().max(10_000).nullable(),
  commitTime: isoTimestamp.nullable(),
  parents: z
    .array(z.string().regex(/^[0-9a-f]{7,64}$/, 'must be a hexadecimal commit hash'))
    .max(64)
    .default([])
    .describe(
      'The commit’s parents, so a run can be set beside the run of its parent commit. Empty for a root commit and at a shallow clone’s boundary.',
    ),
  shallow: z.boolean().default(false),
});

export const runRecordSchema = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    id: safeIdSchema,
    timestamp: isoTimestamp,
    platform: z.object({ id: safeIdSchema, details: platformDetailsSchema }),
    git: gitSchema.nullable().describe('null when the run was recorded outside a git repository.'),
    runType: z.enum(runTypes),
    mode: z.enum(modes),
    synthetic: z.boolean().default(false).describe('true for generated data (demos, scale tests): never mixed into real history.'),
    source: z
      .object({ tool: z.string(), file: z.string().optional() })
      .optional()
      .describe('Where the numbers came from when they were imported rather than measured by perfsite.'),
    metrics: z.array(metricSchema).min(1, 'a run must record at least one metric'),
  })
  .superRefine((run, ctx) => {
    const seen = new Set<string>();
    run.metrics.forEach((metric, index) => {
      const key = `${metric.suite}\u0000${metric.name}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['metrics', index, 'name'],
          message: `"${metric.name}" appears twice in suite "${metric.suite}"`,
        });
      }
      seen.add(key);
    });
  });

export type RunRecord = z.output<typeof runRecordSchema>;
export type RunRecordInput = z.input<typeof runRecordSchema>;
export type Metric = z.output<typeof metricSchema>;
export type MetricInput = z.input<typeof metricSchema>;
export type PlatformDetails = z.output<typeof platformDetailsSchema>;
export type GitInfo = z.output<typeof gitSchema>;
export type RunType = (typeof runTypes)[number];
export type Mode = (typeof modes)[number];
export type { Direction } from '../shared/direction.ts';

/** A reason a record (or a part of the history) could not be used, phrased for the person who has to fix it. */
export interface Problem {
  file: string;
  field?: string;
  reason: string;
  fix: string;
}

/** Exit 1, not 2: a run that cannot be recorded is a failed step, and nothing already recorded changed. */
export class RecordError extends PerfsiteError {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(`the run was not recorded:${problems.map((problem) => `\n  - ${formatProblem(problem)}`).join('')}`, { exitCode: EXIT.failed });
    this.problems = problems;
  }
}

export function formatProblem(problem: Problem): string {
  const where = problem.field ? `${problem.file}: ${problem.field}` : problem.file;
  return `${where}: ${problem.reason}. ${problem.fix}`;
}

/**
 * Validates parsed JSON as a run record. A record from a newer schema version is refused with
 * a message that says to upgrade, rather than being misread field by field.
 */
export function validateRecord(data: unknown, file: string): { record: RunRecord } | { problems: Problem[] } {
  const version = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).schemaVersion : undefined;
  if (typeof version === 'number' && version > SCHEMA_VERSION) {
    return {
      problems: [
        {
          file,
          field: 'schemaVersion',
          reason: `the record uses schema version ${version}, and this perfsite reads version ${SCHEMA_VERSION}`,
          fix: 'Upgrade perfsite to read it; the record is left as it is.',
        },
      ],
    };
  }
  const result = runRecordSchema.safeParse(data);
  if (result.success) return { record: result.data };
  return {
    problems: result.error.issues.map((issue) => ({
      file,
      field: fieldPath(issue.path) || '(record)',
      reason: issue.message,
      fix: 'Correct the field, or move the file out of data/ if the run should not count; see public/schema/run-record.v1.json.',
    })),
  };
}

/**
 * What went wrong in a JSON text, without quoting it: V8's message carries an excerpt of the file,
 * and a file under data/ may be anything (a symlink to /etc/passwd once made validate print its first bytes).
 */
export function jsonErrorSummary(error: Error): string {
  const where = /at position \d+(?: \(line \d+ column \d+\))?/.exec(error.message)?.[0];
  const what = error.message
    .replace(/"(?:[^"\\]|\\.)*"(?:\.\.\.)?/g, '…')
    .replace(/,? …(?: is not valid JSON)?$/, '')
    .replace(/ in JSON at position .*$/, '')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 80);
  return where ? `${what} ${where}` : what;
}

/** Parses the text of a record file; JSON syntax errors are reported like any other problem. */
export function parseRecordText(text: string, file: string): { record: RunRecord } | { problems: Problem[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      problems: [
        {
          file,
          reason: `is not valid JSON (${jsonErrorSummary(error as Error)}); the file may be truncated or hand-edited`,
          fix: 'Restore it with `git checkout -- <file>`, or move it out of data/runs/ to drop the run.',
        },
      ],
    };
  }
  return validateRecord(data, file);
}
