/**
 * npm run record -- [--build-time] [--file-size PATH]... [options] [-- CMD ARGS...]: records what Bencher
 * calls build time and file size as a perfsite run. The command runs once, without a shell (its words are
 * passed as they are), and its wall time is the measurement; each file's size is read after it.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION, RUN_TYPE_OPTION } from '../src/lib/command-options.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { formatValue } from '../src/lib/shared/format.ts';
import { displayPath, ensureWritableDataDir, resolveDataDir } from '../src/lib/store/paths.ts';
import type { MetricInput } from '../src/lib/store/record.ts';
import { describeTextFixes, newTextFixes } from '../src/lib/store/record-text.ts';
import { buildRunRecord, detectRunContext, resolveMode, resolveRunType } from '../src/lib/store/run-context.ts';
import { appendRun } from '../src/lib/store/store.ts';

function timed(command: readonly string[]): Promise<{ seconds: number; code: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command[0] as string, command.slice(1), { stdio: 'inherit', shell: false });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(new UsageError(`cannot run ${command[0]}: ${error.code === 'ENOENT' ? 'no such command' : error.message}`)),
    );
    child.on('exit', (code, signal) => resolve({ seconds: (performance.now() - started) / 1000, code: code ?? (signal ? 128 : 1) }));
  });
}

export const command = defineCommand({
  usage: 'npm run record -- [--build-time] [--file-size PATH]... [options] [-- CMD ARGS...]',
  options: {
    'build-time': {
      type: 'boolean',
      default: false,
      description: 'run CMD once and record its wall time in seconds (a failed command is recorded as failed)',
    },
    'file-size': {
      type: 'string',
      value: 'PATH',
      multiple: true,
      default: [],
      description: 'record the size of PATH in bytes, read after CMD (repeat for more files)',
    },
    name: { type: 'string', value: 'NAME', description: "the build time's metric name (default: the command line)" },
    suite: { type: 'string', value: 'NAME', default: 'build', description: 'the suite of the metrics (default: build)' },
    platform: { type: 'string', value: 'ID', description: 'the platform (default: this machine)' },
    'run-type': RUN_TYPE_OPTION,
    data: DATA_OPTION,
  },
  positionals: { 'CMD ARGS...': 'the build command, after --' },
  more: `Examples:
  npm run record -- --build-time -- cargo build --release
  npm run record -- --build-time --file-size target/release/app -- cargo build --release
  npm run record -- --file-size dist/app.js`,
  async run({ values, positionals }) {
    if (!values['build-time'] && values['file-size'].length === 0)
      throw new UsageError('give --build-time -- CMD, --file-size PATH, or both');
    if (values['build-time'] && positionals.length === 0)
      throw new UsageError('--build-time needs the command after --: e.g. -- cargo build');
    if (!values['build-time'] && positionals.length > 0)
      throw new UsageError(`a command was given without --build-time: ${positionals.join(' ')}`);
    const dataDir = resolveDataDir(values.data);
    const runType = resolveRunType(values['run-type']);
    await ensureWritableDataDir(dataDir, values.data);
    const context = await detectRunContext({ dataDir, ...(values.platform ? { platformFlag: values.platform } : {}) });

    const metrics: MetricInput[] = [];
    let failed = false;
    if (values['build-time']) {
      const { seconds, code } = await timed(positionals);
      const name = values.name ?? positionals.join(' ');
      if (code === 0) metrics.push({ suite: values.suite, name, value: seconds, unit: 's', direction: 'lower' });
      else {
        failed = true;
        metrics.push({
          suite: values.suite,
          name,
          value: null,
          unit: 's',
          direction: 'lower',
          status: 'failed',
          description: `exited with ${code}`,
        });
      }
    }
    for (const file of values['file-size']) {
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) metrics.push({ suite: values.suite, name: file, value: info.size, unit: 'B', direction: 'lower' });
      else {
        failed = true;
        metrics.push({
          suite: values.suite,
          name: file,
          value: null,
          unit: 'B',
          direction: 'lower',
          status: 'failed',
          description: 'no such file',
        });
      }
    }

    const fixes = newTextFixes();
    const { record, file } = await appendRun(dataDir, buildRunRecord(context, { runType, mode: resolveMode(undefined), metrics }), {
      fixes,
    });
    for (const line of describeTextFixes(fixes)) console.log(`note: ${line} (the run was kept)`);
    for (const metric of record.metrics) {
      console.log(`${metric.name}: ${metric.value === null ? `failed (${metric.description})` : formatValue(metric.value, metric.unit)}`);
    }
    console.log(`Recorded run ${record.id} (${record.platform.id}) in ${displayPath(file)}`);
    return failed ? EXIT.failed : EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
