/**
 * npm run bench: run the suites in bench/*.suite.ts (or .suite.mts) on this machine and record one run into data/.
 * Thin on purpose: measuring is the suites' job, recording is src/lib's.
 */

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { styleText } from 'node:util';
import Table from 'cli-table3';
import ora from 'ora';
import { interquartileRange, median } from 'simple-statistics';
import { type Config, loadConfig } from '../src/lib/analysis/config.ts';
import { globalThreshold, resolveThreshold } from '../src/lib/analysis/thresholds.ts';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { DataError, EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { formatValue } from '../src/lib/shared/format.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { shortCommit } from '../src/lib/shared/short-commit.ts';
import { displayPath, ensureWritableDataDir, monthOf, resolveDataDir } from '../src/lib/store/paths.ts';
import { type MetricInput, type Mode, type RunRecordInput, validateRecord } from '../src/lib/store/record.ts';
import { cleanRunText, describeTextFixes, newTextFixes } from '../src/lib/store/record-text.ts';
import { buildRunRecord, detectRunContext, resolveMode, resolveRunType } from '../src/lib/store/run-context.ts';
import { appendRun } from '../src/lib/store/store.ts';
import { DEFAULT_SAMPLES, type Suite, type SuiteContext, type ToolSuite } from './suite.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

type AnySuite = Suite | ToolSuite;

function isToolSuite(suite: AnySuite): suite is ToolSuite {
  return 'run' in suite && typeof suite.run === 'function';
}

/** Suites are ES modules: `.suite.mts` is one in any project, `.suite.ts` where package.json does not say "type": "commonjs". */
const SUITE_FILE = /\.suite\.m?ts$/;

/**
 * The "type" the nearest package.json gives, if any. Without one Node tells a module by its syntax; with
 * "commonjs" (what npm init -y writes) it does not, and a .ts file's import/export lines fail.
 */
async function declaredPackageType(dir: string): Promise<string | undefined> {
  for (let folder = dir; ; folder = path.dirname(folder)) {
    const manifest = await readFile(path.join(folder, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest !== undefined) return (JSON.parse(manifest) as { type?: string }).type;
    if (path.dirname(folder) === folder) return undefined;
  }
}

/** An import or export statement: ES module syntax, which Node refuses in a file it loads as CommonJS. */
const MODULE_SYNTAX = /^\s*(?:import|export)\s/m;

async function importSuite(file: string): Promise<{ default?: AnySuite }> {
  // Decided before Node tries, and fails with a warning of its own.
  if (
    file.endsWith('.ts') &&
    (await declaredPackageType(path.dirname(file))) === 'commonjs' &&
    MODULE_SYNTAX.test(await readFile(file, 'utf8'))
  ) {
    throw new UsageError(
      `${displayPath(file)} is loaded as CommonJS, because package.json does not say "type": "module", so its import/export lines fail: rename it to ${path.basename(file).replace(/\.ts$/, '.mts')} (an ES module in any project)`,
    );
  }
  try {
    return (await import(pathToFileURL(file).href)) as { default?: AnySuite };
  } catch (error) {
    throw new UsageError(`${displayPath(file)} could not be loaded: ${(error as Error).message}`);
  }
}

/** Each suite with the file that defines it, for messages that say what to edit. */
async function loadSuites(dir: string): Promise<Array<AnySuite & { file: string }>> {
  const files = (
    await readdir(dir).catch(() => {
      throw new UsageError(`cannot read the suites folder ${dir}`);
    })
  )
    .filter((name) => SUITE_FILE.test(name))
    .sort();
  const suites: Array<AnySuite & { file: string }> = [];
  for (const file of files) {
    const module = await importSuite(path.join(dir, file));
    if (!module.default?.name || (typeof (module.default as Suite).sample !== 'function' && !isToolSuite(module.default))) {
      throw new UsageError(
        `${displayPath(path.join(dir, file))} must default-export defineSuite({...}) or defineToolSuite({...}) (see bench/suite.ts)`,
      );
    }
    suites.push({ ...module.default, file: path.join(dir, file) });
  }
  return suites;
}

function spread(samples: readonly number[], unit: string): string {
  if (samples.length < 2) return '';
  return `${formatValue(Math.min(...samples), unit)} … ${formatValue(Math.max(...samples), unit)}`;
}

async function runToolSuite(suite: ToolSuite, mode: Mode, scratchRoot: string): Promise<{ metrics: MetricInput[]; error?: Error }> {
  const spinner = ora({ stream: process.stderr, text: `${suite.name}: running` }).start();
  const context: SuiteContext = {
    mode,
    scratchDir: path.join(scratchRoot, suite.name),
    byMode: (settings) => settings[mode],
    step: (metric) => {
      spinner.text = `${suite.name} › ${metric}`;
    },
  };
  try {
    await mkdir(context.scratchDir, { recursive: true });
    const metrics = await suite.run(context);
    spinner.succeed(`${suite.name}: ${metrics.length} metrics`);
    return { metrics };
  } catch (caught) {
    spinner.fail(`${suite.name}: ${(caught as Error).message}`);
    return { metrics: [], error: caught as Error };
  }
}

/**
 * A metric whose samples vary by more than half its threshold cannot tell a regression from its own
 * noise: every few runs the threshold rule would cry wolf, or significance would hide a real change.
 * The spread is the interquartile range over 1.349 (a standard deviation for normal samples) relative to the
 * median: like the median that is recorded, one sample that a pause slowed does not move it.
 */
function noiseWarnings(metrics: readonly MetricInput[], config: Config, where: (suite: string) => string): string[] {
  return metrics.flatMap((metric) => {
    if (!metric.samples || metric.samples.length < 3 || !metric.value) return [];
    const variation = interquartileRange(metric.samples) / 1.349 / Math.abs(median(metric.samples));
    const threshold = resolveThreshold(
      { suite: metric.suite, metric: metric.name, declared: metric.threshold ?? null },
      config,
      globalThreshold({ config }),
    ).value;
    if (!(variation > threshold / 2)) return [];
    return [
      `${metric.suite}/${metric.name} varies by ${(variation * 100).toFixed(1)} % from sample to sample, more than half its ${(threshold * 100).toFixed(0)} % threshold: ${where(metric.suite)}.`,
    ];
  });
}

async function measureSuite(suite: Suite, mode: Mode, scratchRoot: string): Promise<{ metrics: MetricInput[]; error?: Error }> {
  const sampleCount = suite.samples?.[mode] ?? DEFAULT_SAMPLES[mode];
  const samples = new Map<string, number[]>(Object.keys(suite.metrics).map((name) => [name, []]));
  const spinner = ora({ stream: process.stderr, text: `${suite.name}: setting up` }).start();
  let sampleIndex = 0;
  const context: SuiteContext = {
    mode,
    scratchDir: path.join(scratchRoot, suite.name),
    byMode: (settings) => settings[mode],
    step: (metric) => {
      spinner.text = `${suite.name} › ${metric} › sample ${sampleIndex} of ${sampleCount}`;
    },
  };
  let state: unknown;
  let error: Error | undefined;
  try {
    state = await suite.setup(context);
    for (sampleIndex = 1; sampleIndex <= sampleCount; sampleIndex++) {
      context.step('…');
      const measured = await suite.sample(state, context);
      for (const [name, value] of Object.entries(measured)) {
        if (!samples.has(name)) throw new Error(`suite ${suite.name} measured ${name}, which it does not declare in metrics`);
        if (!Number.isFinite(value))
          throw new Error(`suite ${suite.name} measured ${name} = ${value}; a measurement must be a finite number`);
        samples.get(name)?.push(value);
      }
    }
    spinner.succeed(`${suite.name}: ${sampleCount} samples of ${samples.size} metrics`);
  } catch (caught) {
    error = caught as Error;
    spinner.fail(`${suite.name}: ${error.message}`);
  } finally {
    if (state !== undefined) await suite.teardown?.(state);
  }
  const metrics = Object.entries(suite.metrics).map(([name, spec]): MetricInput => {
    const values = samples.get(name) ?? [];
    const complete = !error && values.length === sampleCount;
    return {
      suite: suite.name,
      name,
      unit: spec.unit,
      direction: spec.direction,
      description: spec.description,
      ...(spec.threshold ? { threshold: spec.threshold } : {}),
      ...(complete ? { value: median(values), samples: values, status: 'ok' as const } : { value: null, status: 'failed' as const }),
    };
  });
  return error ? { metrics, error } : { metrics };
}

/**
 * A run measured but not recorded (the disk filled, the folder vanished) is written beside the working
 * directory, or in the system's temporary folder, and the error says where and how to add it.
 */
async function keepUnrecorded(input: RunRecordInput, dataDir: string, cause: unknown): Promise<never> {
  // Saved as the history would store it (text fields cleaned, validated), so that it can be moved in as it is.
  const checked = validateRecord(cleanRunText(input, newTextFixes()), '(new run)');
  const record = 'record' in checked ? checked.record : input;
  const name = `perfsite-unrecorded-run-${record.id ?? Date.now()}.json`;
  const text = `${JSON.stringify(record, null, 2)}\n`;
  let saved: string | undefined;
  for (const folder of [process.cwd(), tmpdir()]) {
    const file = path.join(folder, name);
    if (
      await writeFile(file, text, { flag: 'wx' }).then(
        () => true,
        () => false,
      )
    ) {
      saved = file;
      break;
    }
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (!saved) throw new DataError(`the run could not be recorded in ${displayPath(dataDir)} (${reason}), nor saved anywhere else`);
  const monthDir = path.join(dataDir, 'runs', monthOf(record.timestamp ?? new Date().toISOString()));
  throw new DataError(`the run could not be recorded in ${displayPath(dataDir)}: ${reason}`, {
    cause,
    next: `Its measurements are kept in ${displayPath(saved)}. To add them to the history, once the folder can be written: mkdir -p ${displayPath(monthDir)} && mv ${displayPath(saved)} ${displayPath(path.join(monthDir, `${record.id}.json`))}`,
  });
}

export const command = defineCommand({
  usage: 'npm run bench [-- options]',
  about: `Runs the benchmark suites in bench/*.suite.ts (or *.suite.mts) and records one run (all suites' metrics) in data/.`,
  options: {
    mode: {
      type: 'string',
      value: 'quick|standard|comprehensive',
      description: 'how much to measure (env BENCHMARK_MODE; default standard)',
    },
    suite: { type: 'string', value: 'NAME', multiple: true, description: 'run only this suite (repeatable)' },
    'run-type': {
      type: 'string',
      value: 'ci|nightly|manual|pr|bisect|backfill',
      description: 'why this run happened (env PERFORMANCE_RUN_TYPE; default manual)',
    },
    platform: { type: 'string', value: 'ID', description: 'record under this platform id (env PERFORMANCE_PLATFORM)' },
    'as-of': {
      type: 'string',
      value: 'TIME',
      description: "record the run as made at TIME (ISO 8601): what npm run backfill gives a past commit, its commit's time",
    },
    data: DATA_OPTION,
    dir: { type: 'string', value: 'DIR', description: 'where the *.suite.ts / *.suite.mts files are (default: this bench/ folder)' },
    'dry-run': { type: 'boolean', default: false, description: 'measure and print, record nothing' },
    list: { type: 'boolean', default: false, description: 'list the suites and their metrics' },
  },
  async run({ values }) {
    const mode = resolveMode(values.mode);
    const runType = resolveRunType(values['run-type']);
    const asOf = values['as-of'] === undefined ? undefined : new Date(values['as-of']);
    if (asOf && (Number.isNaN(asOf.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(values['as-of'] ?? '')))
      throw new UsageError(`--as-of ${JSON.stringify(values['as-of'])} is not a time: write it as ISO 8601, like 2026-11-30T12:00:00Z`);
    const dataDir = resolveDataDir(values.data);
    const allSuites = await loadSuites(path.resolve(values.dir ?? BENCH_DIR));
    if (values.list) {
      for (const suite of allSuites) {
        console.log(`${styleText('bold', suite.name)}: ${suite.description}`);
        if (isToolSuite(suite)) continue;
        for (const [name, spec] of Object.entries(suite.metrics))
          console.log(`  ${name} (${spec.unit}, ${spec.direction} is better): ${spec.description}`);
      }
      return EXIT.ok;
    }
    const wanted = values.suite ?? [];
    const unknown = wanted.filter((name) => !allSuites.some((suite) => suite.name === name));
    if (unknown.length > 0) {
      throw new UsageError(`no suite named ${unknown.join(', ')}; the suites are: ${allSuites.map((suite) => suite.name).join(', ')}`);
    }
    const suites = wanted.length > 0 ? allSuites.filter((suite) => wanted.includes(suite.name)) : allSuites;

    if (!values['dry-run']) await ensureWritableDataDir(dataDir, values.data);
    const context = await detectRunContext({ platformFlag: values.platform, dataDir });
    for (const warning of context.warnings) process.stderr.write(`${styleText('yellow', 'note:')} ${warning}\n`);
    process.stderr.write(`Benchmarking on ${context.platform.id}, mode ${mode}, ${plural(suites.length, 'suite')}\n`);

    const scratchRoot = await mkdtemp(path.join(tmpdir(), 'perfsite-bench-'));
    const metrics: MetricInput[] = [];
    const failures: string[] = [];
    try {
      for (const suite of suites) {
        const result = isToolSuite(suite) ? await runToolSuite(suite, mode, scratchRoot) : await measureSuite(suite, mode, scratchRoot);
        metrics.push(...result.metrics);
        if (result.error) failures.push(`${suite.name}: ${result.error.message}`);
      }
    } finally {
      await rm(scratchRoot, { recursive: true, force: true });
    }

    const table = new Table({ head: ['suite', 'metric', 'value', 'better', 'samples (min … max)'], style: { head: [], border: [] } });
    for (const metric of metrics) {
      table.push([
        metric.suite,
        metric.name,
        formatValue(metric.value ?? null, metric.unit),
        metric.direction,
        metric.samples ? `${metric.samples.length}: ${spread(metric.samples, metric.unit)}` : (metric.status ?? ''),
      ]);
    }
    console.log(table.toString());
    const fileOf = (name: string) => displayPath(suites.find((suite) => suite.name === name)?.file ?? 'its suite file');
    const advice = (name: string) =>
      `take more samples (samples in ${fileOf(name)}) or make each longer, run on a quieter machine, or raise its threshold`;
    for (const warning of noiseWarnings(metrics, await loadConfig(), advice))
      process.stderr.write(`${styleText('yellow', 'note:')} ${warning}\n`);

    if (values['dry-run']) {
      console.log('Dry run: nothing was recorded.');
    } else {
      const fixes = newTextFixes();
      const input = buildRunRecord(context, { runType, mode, metrics, ...(asOf ? { date: asOf } : {}) });
      const { record, file } = await appendRun(dataDir, input, { fixes }).catch((error: unknown) => keepUnrecorded(input, dataDir, error));
      for (const line of describeTextFixes(fixes)) process.stderr.write(`${styleText('yellow', 'note:')} ${line} (the run was kept)\n`);
      console.log(
        `Recorded run ${record.id} (${record.platform.id}${record.git ? `, commit ${shortCommit(record.git.commit)}` : ''}) in ${displayPath(file)}`,
      );
    }
    if (failures.length > 0) {
      process.stderr.write(`${styleText('red', 'failed:')} ${failures.join('; ')}\n`);
      return EXIT.failed;
    }
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
