/**
 * The /compare/ page: two runs or commits from the published run files (shared/published-run.ts), judged
 * by shared/compare-judge.ts as `perfsite compare` judges them. The sides live in the address bar.
 *
 * Names and messages come from strangers' benchmarks: everything is set as text, never as markup.
 */
import { comparisonCounts, type JudgeSettings, MARK_LABELS } from '../lib/shared/compare-judge.ts';
import { formatChangeWithInterval, formatValue } from '../lib/shared/format.ts';
import { plural } from '../lib/shared/plural.ts';
import {
  ambiguity,
  comparePublished,
  type PublishedRun,
  type PublishedRunInfo,
  type PublishedSide,
  resolvePublished,
} from '../lib/shared/published-run.ts';
import { shortCommit } from '../lib/shared/short-commit.ts';
import { formatMinute } from '../lib/shared/timestamps.ts';

const form = document.getElementById('compare') as HTMLFormElement;
const inputs = { a: form.elements.namedItem('a') as HTMLInputElement, b: form.elements.namedItem('b') as HTMLInputElement };
const choices = document.getElementById('compare-runs') as HTMLDataListElement;
const statusLine = document.getElementById('compare-status') as HTMLElement;
const errorBox = document.getElementById('compare-error') as HTMLElement;
const sidesBox = document.getElementById('compare-sides') as HTMLElement;
const table = document.getElementById('compare-result') as HTMLTableElement;
const counts = document.getElementById('compare-counts') as HTMLElement;
const settings = JSON.parse(form.dataset.settings ?? '{}') as JudgeSettings;
const runFile = (runId: string) => (form.dataset.runFile ?? '').replace('RUN_ID', encodeURIComponent(runId));
const runPage = (runId: string) => (form.dataset.runPage ?? '').replace('RUN_ID', encodeURIComponent(runId));

const FETCHES_AT_ONCE = 8;

function showError(message: string | null): void {
  errorBox.hidden = message === null;
  errorBox.textContent = message ?? '';
}

async function fetchJson<T>(src: string): Promise<T> {
  const response = await fetch(src);
  if (!response.ok) throw new Error(`${src}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

const published: Promise<PublishedRunInfo[]> = fetchJson<{ runs: PublishedRunInfo[] }>(form.dataset.runs ?? '').then(({ runs }) => runs);

async function side(ref: string, name: 'A' | 'B', runs: readonly PublishedRunInfo[]): Promise<PublishedSide> {
  const found = resolvePublished(ref, runs);
  if (!found)
    throw new Error(
      `${name}: ${JSON.stringify(ref)} is neither a run id nor a commit (7+ hex characters) with runs published here; the command compares any run.`,
    );
  const ambiguous = found.kind === 'commit' ? ambiguity(ref, found.runs) : undefined;
  if (ambiguous) throw new Error(`${name}: ${ambiguous}`);
  const full: PublishedRun[] = [];
  // A few files at a time: a commit benchmarked on many platforms has a file per run.
  for (let at = 0; at < found.runs.length; at += FETCHES_AT_ONCE) {
    const batch = found.runs.slice(at, at + FETCHES_AT_ONCE);
    full.push(...(await Promise.all(batch.map((run) => fetchJson<PublishedRun>(runFile(run.runId))))));
  }
  return { ref, kind: found.kind, runs: full };
}

function describeSide(name: 'A' | 'B', compared: PublishedSide): HTMLElement {
  const line = document.createElement('p');
  const first = compared.runs[0];
  line.append(`${name}: ${compared.kind} `);
  if (compared.kind === 'run' && first) {
    const link = document.createElement('a');
    link.href = runPage(first.runId);
    link.textContent = first.runId;
    line.append(link);
  } else line.append(compared.ref);
  line.append(
    ` — ${plural(compared.runs.length, 'run')}${first?.gitCommit ? `, commit ${shortCommit(first.gitCommit)}${first.gitTitle ? ` ${first.gitTitle}` : ''}` : ''}`,
  );
  return line;
}

function cell(text: string, className?: string, label?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  if (label) td.dataset.label = label;
  return td;
}

async function compare(a: string, b: string): Promise<void> {
  showError(null);
  table.hidden = true;
  counts.textContent = '';
  sidesBox.replaceChildren();
  statusLine.textContent = 'Comparing…';
  try {
    const runs = await published;
    const [before, after] = await Promise.all([side(a, 'A', runs), side(b, 'B', runs)]);
    const comparison = comparePublished(before, after, settings);
    if (comparison.error) throw new Error(comparison.error);
    sidesBox.replaceChildren(describeSide('A', before), describeSide('B', after));
    if (comparison.leftOut.length > 0) {
      const note = document.createElement('p');
      note.className = 'muted';
      note.textContent = `Only one side ran on ${comparison.leftOut.join(', ')}: left out, as there is nothing to compare there.`;
      sidesBox.append(note);
    }
    const rows = comparison.metrics.map((metric) => {
      const row = document.createElement('tr');
      row.className = metric.mark;
      row.append(
        cell(`${metric.suite}/${metric.metric}`, 'name', 'metric'),
        cell(metric.platform, 'name', 'platform'),
        cell(MARK_LABELS[metric.mark], 'mark', 'verdict'),
        cell(formatValue(metric.before, metric.unit), 'number', 'A'),
        cell(formatValue(metric.after, metric.unit), 'number', 'B'),
        cell(metric.ratio === null ? '—' : metric.ratio.toFixed(2), 'number', 'ratio'),
        cell(formatChangeWithInterval(metric.change, metric.significance), 'number', 'change'),
      );
      return row;
    });
    table.tBodies[0]?.replaceChildren(...rows);
    table.hidden = false;
    counts.textContent = `${comparisonCounts(comparison.metrics)}.`;
    statusLine.textContent = '';
    form.dataset.compared = 'true';
  } catch (error) {
    statusLine.textContent = '';
    showError((error as Error).message);
  }
}

published.then(
  (runs) => {
    const options = [...runs]
      .sort((x, y) => y.timestamp.localeCompare(x.timestamp))
      .map((run) => {
        const option = document.createElement('option');
        option.value = run.runId;
        option.label = `${run.platform} · ${formatMinute(run.timestamp)}${run.gitTitle ? ` · ${run.gitTitle}` : ''}`;
        return option;
      });
    choices.replaceChildren(...options);
  },
  (error: Error) => showError(`The runs could not be loaded: ${error.message}`),
);

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const a = inputs.a.value.trim();
  const b = inputs.b.value.trim();
  history.replaceState(null, '', `?${new URLSearchParams({ a, b })}`);
  void compare(a, b);
});

const query = new URLSearchParams(location.search);
inputs.a.value = query.get('a') ?? '';
inputs.b.value = query.get('b') ?? '';
if (inputs.a.value && inputs.b.value) void compare(inputs.a.value, inputs.b.value);
else (inputs.a.value ? inputs.b : inputs.a).focus();
