/**
 * The explorer: DuckDB in the browser (the exception-handling bundle, served by this site), the history
 * loaded as Arrow (explorer-data.ts), a query box whose query lives in the address bar, a table of the
 * result and a chart of it when it has a time or a category column.
 *
 * Everything shown comes from strangers' benchmarks and queries: it is set as text, never as markup.
 */
import { AsyncDuckDB, type AsyncDuckDBConnection, VoidLogger } from '@duckdb/duckdb-wasm';
import workerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import wasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import { describeResult, type ResultColumn } from '../lib/shared/result-view.ts';

interface ExplorerFile {
  table: string;
  src: string;
}

const root = document.getElementById('explorer') as HTMLElement;
const statusLine = document.getElementById('explorer-status') as HTMLElement;
const editor = document.getElementById('explorer-sql') as HTMLTextAreaElement;
const runButton = document.getElementById('explorer-run') as HTMLButtonElement;
const errorBox = document.getElementById('explorer-error') as HTMLElement;
const chartBox = document.getElementById('explorer-chart') as HTMLElement;
const summary = document.getElementById('explorer-summary') as HTMLElement;
const resultBox = document.getElementById('explorer-result') as HTMLElement;
const files = JSON.parse(root.dataset.files ?? '[]') as ExplorerFile[];
const setup = JSON.parse(root.dataset.setup ?? '[]') as string[];

/** More rows than this are counted, not drawn: a table of millions of rows helps no one. */
const SHOWN_ROWS = 1_000;

const megabytes = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

function showError(message: string | null): void {
  errorBox.hidden = message === null;
  errorBox.textContent = message ?? '';
}

/**
 * The stream as it came, inflated when its first bytes are gzip's magic number. Hosts differ: one serves
 * a .gz file as it is, another (Astro's preview server, some CDNs) with Content-Encoding: gzip, which the
 * browser has already inflated. The bytes say which, the file name cannot.
 */
async function inflatedIfGzip(body: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<ReadableStream<Uint8Array<ArrayBuffer>>> {
  const reader = body.getReader();
  const head: Uint8Array<ArrayBuffer>[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 2 && !ended) {
    const { done, value } = await reader.read();
    if (done) ended = true;
    else {
      head.push(value);
      headBytes += value.byteLength;
    }
  }
  const joined = new Uint8Array(headBytes);
  let offset = 0;
  for (const chunk of head) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const replayed = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      if (headBytes > 0) controller.enqueue(joined);
      if (ended) controller.close();
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const gzipped = joined[0] === 0x1f && joined[1] === 0x8b;
  return gzipped
    ? replayed.pipeThrough(new DecompressionStream('gzip') as ReadableWritablePair<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>)
    : replayed;
}

/**
 * The body of a file stored gzip-compressed, inflated as it arrives; `onBytes` hears how much has come over
 * the wire, and of how much when the host says (a host that compresses on the fly does not).
 */
async function fetchInflated(src: string, onBytes: (bytes: number, total: number | null) => void): Promise<Uint8Array> {
  const response = await fetch(src);
  if (!response.ok || !response.body) throw new Error(`${src}: HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length'));
  const total = response.headers.get('content-encoding') || !(length > 0) ? null : length;
  let received = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        onBytes(received, total);
        controller.enqueue(chunk);
      },
    }),
  );
  return new Uint8Array(await new Response(await inflatedIfGzip(counted)).arrayBuffer());
}

async function startEngine(): Promise<AsyncDuckDBConnection> {
  const started = performance.now();
  statusLine.textContent = 'Loading the query engine (DuckDB, about 8 MB)…';
  const db = new AsyncDuckDB(new VoidLogger(), new Worker(workerUrl));
  await db.instantiate(wasmUrl);
  const connection = await db.connect();
  const received = new Map<string, { bytes: number; total: number | null }>();
  const progress = () => {
    const parts = [...received.values()];
    const bytes = parts.reduce((sum, part) => sum + part.bytes, 0);
    const known = parts.length === files.length && parts.every((part) => part.total !== null);
    const total = known ? parts.reduce((sum, part) => sum + (part.total ?? 0), 0) : null;
    statusLine.textContent = `Loading the history: ${megabytes(bytes)}${total ? ` of ${megabytes(total)}` : ''} received…`;
  };
  const tables = await Promise.all(
    files.map(async (file) => ({
      ...file,
      bytes: await fetchInflated(file.src, (bytes, total) => {
        received.set(file.table, { bytes, total });
        progress();
      }),
    })),
  );
  statusLine.textContent = 'Reading the history into the engine…';
  for (const table of tables) await connection.insertArrowFromIPCStream(table.bytes, { name: table.table, create: true });
  for (const statement of setup) await connection.query(statement);
  const counts = (await connection.query('SELECT count(DISTINCT run_id) AS runs, count(*) AS measurements FROM metrics')).get(0)?.toJSON();
  const count = (value: unknown, noun: string) => `${Number(value ?? 0).toLocaleString('en')} ${noun}${Number(value) === 1 ? '' : 's'}`;
  statusLine.textContent = `Ready: ${count(counts?.runs, 'run')}, ${count(counts?.measurements, 'measurement')}, loaded in ${((performance.now() - started) / 1000).toFixed(1)} s.`;
  root.dataset.ready = 'true';
  return connection;
}

function renderTable(columns: readonly ResultColumn[], rows: ReadonlyArray<readonly string[]>): void {
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const column of columns) {
    const cell = document.createElement('th');
    cell.scope = 'col';
    cell.textContent = column.name;
    if (column.kind === 'number') cell.className = 'number';
    head.append(cell);
  }
  const body = table.createTBody();
  for (const values of rows) {
    const row = body.insertRow();
    values.forEach((value, index) => {
      const cell = row.insertCell();
      cell.textContent = value;
      if (columns[index]?.kind === 'number') cell.className = 'number';
    });
  }
  resultBox.replaceChildren(table);
}

let engine: Promise<AsyncDuckDBConnection> | null = null;
let firstResult = true;

async function run(sql: string): Promise<void> {
  showError(null);
  const url = new URL(location.href);
  url.searchParams.set('q', sql);
  history.replaceState(null, '', url);
  runButton.disabled = true;
  try {
    engine ??= startEngine();
    const connection = await engine;
    const started = performance.now();
    const result = await connection.query(sql);
    const view = describeResult(result, SHOWN_ROWS);
    renderTable(view.columns, view.rows);
    summary.textContent = `${view.rowCount.toLocaleString('en')} row${view.rowCount === 1 ? '' : 's'} in ${((performance.now() - started) / 1000).toFixed(2)} s${view.rowCount > view.rows.length ? `; the first ${view.rows.length.toLocaleString('en')} are shown` : ''}.`;
    const { drawResultChart } = await import('../lib/shared/result-chart.ts');
    chartBox.replaceChildren(...(view.chart ? [drawResultChart(view.chart, chartBox.clientWidth)] : []));
    if (firstResult) {
      performance.mark('perfsite-explorer-first-result');
      firstResult = false;
    }
  } catch (error) {
    // The engine failed to load: the next run tries again.
    if (root.dataset.ready !== 'true') engine = null;
    showError(`The query failed: ${error instanceof Error ? error.message : String(error)}`);
    if (root.dataset.ready !== 'true') statusLine.textContent = 'The query engine could not be loaded.';
  } finally {
    runButton.disabled = false;
  }
}

runButton.addEventListener('click', () => run(editor.value));
editor.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void run(editor.value);
  }
});
for (const example of document.querySelectorAll<HTMLButtonElement>('button.example')) {
  example.addEventListener('click', () => {
    editor.value = example.dataset.sql ?? '';
    void run(editor.value);
  });
}
for (const command of document.querySelectorAll<HTMLElement>('.download-command')) {
  const path = command.dataset.path;
  if (path) command.textContent = (command.textContent ?? '').replace(`curl -LO ${path}`, `curl -LO ${new URL(path, location.href)}`);
}

const linked = new URLSearchParams(location.search).get('q');
if (linked) editor.value = linked;
// A link's query runs at once; otherwise the engine loads while the reader reads, and Run waits for it.
if (linked) void run(linked);
else {
  engine = startEngine();
  engine.then(
    () => {
      runButton.disabled = false;
    },
    (error: unknown) => {
      engine = null;
      runButton.disabled = false;
      statusLine.textContent = 'The query engine could not be loaded.';
      showError(`The query engine could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
}
