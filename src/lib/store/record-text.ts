/**
 * Text fields of a run made fit for the record before it is written: a run is never dropped over a
 * text field. Too long is shortened with a visible mark; control characters, which the record refuses
 * (they break feeds and terminals), are replaced. Every change is counted so the writer can say so.
 */
import { type MetricInput, PARAM_NAME_MAX, PARAM_VALUE_MAX, PARAMS_MAX, type RunRecordInput } from './record.ts';

export const MESSAGE_MAX = 10_000;
export const NAME_MAX = 400;
export const UNIT_MAX = 40;
export const BRANCH_MAX = 255;
/** The schema's bound on a spread's kind. */
export const SPREAD_KIND_MAX = 80;
export const DETAIL_MAX = 400;

/** C0 and C1 controls and DEL; names allow none, messages keep tab and newline. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NAME_CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const MESSAGE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]+/g;

export type TextFix = 'shortened' | 'control characters replaced';

export interface TextFixes {
  /** "git.message shortened" → how many runs. */
  counts: Map<string, number>;
}

export function newTextFixes(): TextFixes {
  return { counts: new Map() };
}

function note(fixes: TextFixes, field: string, fix: TextFix): void {
  const key = `${field} ${fix}`;
  fixes.counts.set(key, (fixes.counts.get(key) ?? 0) + 1);
}

/** Shortens text to at most `max` characters, the end saying how long it was, without splitting a surrogate pair. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const mark = ` … [shortened from ${text.length.toLocaleString('en')} characters]`;
  let cut = Math.max(0, max - mark.length);
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${text.slice(0, cut)}${mark}`;
}

function clean(text: string, field: string, max: number, controls: RegExp, fixes: TextFixes): string {
  let result = text;
  controls.lastIndex = 0;
  if (controls.test(result)) {
    // Line breaks in a name read as a space; any other control character is shown as what it is: unreadable.
    result = result.replaceAll(controls, (run) => (/^[\t\n\r]+$/.test(run) ? ' ' : '\uFFFD'));
    note(fixes, field, 'control characters replaced');
  }
  controls.lastIndex = 0;
  if (result.length > max) {
    result = shorten(result, max);
    note(fixes, field, 'shortened');
  }
  return result;
}

export function cleanName(text: string, field: string, fixes: TextFixes, max = NAME_MAX): string {
  const cleaned = clean(text, field, max, NAME_CONTROLS, fixes).trim();
  return cleaned || '(unnamed)';
}

export function cleanMessage(text: string, field: string, fixes: TextFixes, max = MESSAGE_MAX): string {
  return clean(text, field, max, MESSAGE_CONTROLS, fixes);
}

function cleanMetric(metric: MetricInput, fixes: TextFixes): MetricInput {
  return {
    ...metric,
    suite: cleanName(metric.suite, 'suite name', fixes),
    name: cleanName(metric.name, 'metric name', fixes),
    unit: typeof metric.unit === 'string' ? clean(metric.unit, 'unit', UNIT_MAX, NAME_CONTROLS, fixes) : metric.unit,
    ...(typeof metric.description === 'string' ? { description: cleanMessage(metric.description, 'description', fixes, 2000) } : {}),
    ...(typeof metric.benchmark === 'string' ? { benchmark: cleanName(metric.benchmark, 'benchmark name', fixes) } : {}),
    ...(Array.isArray(metric.params) ? { params: cleanParams(metric.params, fixes) } : {}),
    ...(typeof metric.spread?.kind === 'string'
      ? { spread: { ...metric.spread, kind: clean(metric.spread.kind, 'spread kind', SPREAD_KIND_MAX, NAME_CONTROLS, fixes) } }
      : {}),
  };
}

/** Every text of a platform's details (CPU and OS names come from the machine, or from an asv machine.json). */
function cleanDetails(details: unknown, fixes: TextFixes): unknown {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return details;
  return Object.fromEntries(
    Object.entries(details).map(([key, value]) => [
      key,
      typeof value === 'string'
        ? clean(value, 'platform detail', DETAIL_MAX, NAME_CONTROLS, fixes)
        : typeof value === 'object' && value !== null
          ? Array.isArray(value)
            ? value.map((item) => cleanDetails(item, fixes))
            : cleanDetails(value, fixes)
          : value,
    ]),
  );
}

/** Parameter names stay distinct after cleaning (a number tells two apart), as metric names do. */
function cleanParams(params: NonNullable<MetricInput['params']>, fixes: TextFixes): NonNullable<MetricInput['params']> {
  const taken = new Set<string>();
  if (params.length > PARAMS_MAX) note(fixes, 'parameters', 'shortened');
  return params.slice(0, PARAMS_MAX).map((param) => {
    if (typeof param?.name !== 'string' || typeof param.value !== 'string') return param;
    const cleaned = cleanName(param.name, 'parameter name', fixes, PARAM_NAME_MAX);
    let name = cleaned;
    for (let copy = 2; taken.has(name); copy++) name = `${cleaned} (${copy})`;
    taken.add(name);
    return { name, value: clean(param.value, 'parameter value', PARAM_VALUE_MAX, NAME_CONTROLS, fixes) };
  });
}

/**
 * The run with its text fields made valid. Two names that become one after cleaning are told apart by
 * a number, so that neither measurement is lost.
 */
export function cleanRunText(run: RunRecordInput, fixes: TextFixes): RunRecordInput {
  const taken = new Set<string>();
  const metrics = (Array.isArray(run.metrics) ? run.metrics : []).map((metric) => {
    if (typeof metric !== 'object' || metric === null || typeof metric.name !== 'string' || typeof metric.suite !== 'string') return metric;
    const cleaned = cleanMetric(metric, fixes);
    let name = cleaned.name;
    for (let copy = 2; taken.has(`${cleaned.suite}\u0000${name}`); copy++) name = `${cleaned.name} (${copy})`;
    taken.add(`${cleaned.suite}\u0000${name}`);
    return { ...cleaned, name };
  });
  const git = run.git
    ? {
        ...run.git,
        message: typeof run.git.message === 'string' ? cleanMessage(run.git.message, 'commit message', fixes) : run.git.message,
        branch: typeof run.git.branch === 'string' ? cleanName(run.git.branch, 'branch name', fixes, BRANCH_MAX) : run.git.branch,
      }
    : run.git;
  const source =
    run.source && typeof run.source.tool === 'string'
      ? { ...run.source, tool: clean(run.source.tool, 'source tool', NAME_MAX, NAME_CONTROLS, fixes) }
      : run.source;
  const platform =
    run.platform && typeof run.platform === 'object'
      ? { ...run.platform, details: cleanDetails(run.platform.details, fixes) as typeof run.platform.details }
      : run.platform;
  return { ...run, git, metrics, ...(source ? { source } : {}), platform };
}

/** One line per kind of change, for the writer to print once: "3 commit messages shortened". */
export function describeTextFixes(fixes: TextFixes): string[] {
  return [...fixes.counts].map(([what, count]) => `${count} × ${what}`);
}
