/**
 * Makes the build's SVG charts interactive: tooltips (value, date, commit, message; a click opens the
 * run), zoom (Ctrl + wheel or pinch, the + and − buttons or keys) and pan (drag, or the arrow keys),
 * a date range (7 / 30 / 90 days / all), platform toggles and a log scale.
 *
 * Each chart's data file is fetched the first time someone points at, focuses or uses the chart; until
 * then the page is the build's SVG and nothing else. Charts are redrawn from the same specs as the
 * build's, at the same size, so nothing moves when this script takes over.
 */

import type { Drawn, SeriesChartOptions } from '../lib/shared/chart-spec.ts';
import { downsampleMinMax } from '../lib/shared/downsample.ts';
import { formatValue } from '../lib/shared/format.ts';
import { decodeSeries, type SeriesData, type TippedPoint } from '../lib/shared/series-data.ts';
import { shortCommit } from '../lib/shared/short-commit.ts';
import { formatDay, formatMinute } from '../lib/shared/timestamps.ts';

/** Observable Plot is most of this script's weight: it is fetched with the first chart someone uses, not with the page. */
const plotting = () => import('../lib/shared/chart-spec.ts');

interface SeriesSource {
  platform: string;
  colour: number;
  src: string;
}

type ChartSpec =
  | { kind: 'series'; options: SeriesChartOptions; sources: SeriesSource[] }
  | { kind: 'platforms'; options: { title: string; unit: string; relative: boolean }; sources: SeriesSource[] };

interface Loaded {
  platform: string;
  colour: number;
  data: SeriesData;
  points: TippedPoint[];
}

const DAY_MS = 86_400_000;
/** A zoomed-in view draws up to this many points per series: the data file holds every recent one. */
const MAX_VIEW_POINTS = 600;

const loads = new Map<string, Promise<SeriesData>>();

function fetchSeries(src: string): Promise<SeriesData> {
  let load = loads.get(src);
  if (!load) {
    load = fetch(src).then((response) => {
      if (!response.ok) throw new Error(`${src}: HTTP ${response.status}`);
      return response.json() as Promise<SeriesData>;
    });
    loads.set(src, load);
  }
  return load;
}

function formatDate(date: Date): string {
  return `${formatMinute(date)} UTC`;
}

function tipText(unit: string) {
  return (point: Drawn) => {
    const tipped = point as TippedPoint;
    const lines = [formatValue(point.value, unit), formatDate(point.date)];
    if (tipped.commit) lines.push(`commit ${shortCommit(tipped.commit)}`);
    if (tipped.message) lines.push(tipped.message);
    lines.push(`${point.status === 'regression' ? 'regression · ' : ''}click to open the run`);
    return lines.join('\n');
  };
}

/** Keeps the points inside the domain, and one on each side so lines run to the edges. */
function visible(points: readonly TippedPoint[], domain: [Date, Date] | undefined): TippedPoint[] {
  if (!domain)
    return downsampleMinMax(
      points,
      MAX_VIEW_POINTS,
      (point) => point.value,
      (point) => point.status === 'regression',
    );
  const [from, to] = domain.map((date) => date.getTime()) as [number, number];
  const first = Math.max(0, points.findIndex((point) => point.time >= from) - 1);
  const after = points.findIndex((point) => point.time > to);
  const inside = points.slice(first, after === -1 ? points.length : after + 1);
  return downsampleMinMax(
    inside,
    MAX_VIEW_POINTS,
    (point) => point.value,
    (point) => point.status === 'regression',
  );
}

class InteractiveChart {
  private loaded: Loaded[] | undefined;
  private specs: Awaited<ReturnType<typeof plotting>> | undefined;
  private loading: Promise<void> | undefined;
  private domain: [Date, Date] | undefined;
  private log = false;
  private readonly hidden = new Set<string>();
  /** The chart shown: the build's inline SVG or image, then the redrawn SVG. */
  private svg: SVGSVGElement | HTMLImageElement | null;
  private drag: { x: number; domain: [Date, Date] } | undefined;
  private readonly figure: HTMLElement;
  private readonly spec: ChartSpec;
  private tools: HTMLElement | null;
  private readonly runBase: string;
  private readonly builtSize: { width: number; height: number };

  constructor(figure: HTMLElement, spec: ChartSpec, tools: HTMLElement | null, runBase: string) {
    this.figure = figure;
    this.spec = spec;
    this.tools = tools;
    this.runBase = runBase;
    this.svg = figure.querySelector<SVGSVGElement | HTMLImageElement>('svg, img');
    this.builtSize = { width: Number(this.svg?.getAttribute('width')) || 640, height: Number(this.svg?.getAttribute('height')) || 220 };
    const start = () => void this.load();
    figure.addEventListener('pointerenter', start, { once: true });
    figure.addEventListener('focusin', start, { once: true });
    figure.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    figure.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    figure.addEventListener('pointermove', (event) => this.onPointerMove(event));
    figure.addEventListener('pointerup', (event) => this.onPointerUp(event));
    figure.addEventListener('dblclick', () => this.setDomain(undefined));
    figure.addEventListener('keydown', (event) => this.onKey(event));
    if (tools) this.attachTools(tools);
  }

  private attachTools(tools: HTMLElement): void {
    this.tools = tools;
    tools.addEventListener('click', (event) => this.onTool(event));
    tools.querySelector<HTMLInputElement>('input[data-log]')?.addEventListener('change', (event) => {
      this.log = (event.target as HTMLInputElement).checked;
      void this.redraw();
    });
  }

  /** A chart shown as an image gets its controls with its inline SVG: one toolbar a page, cloned, not one a chart in the HTML. */
  private addTools(): void {
    const template = document.querySelector<HTMLTemplateElement>('template#chart-tools');
    const tools = template?.content.firstElementChild?.cloneNode(true);
    if (this.tools || !(tools instanceof HTMLElement)) return;
    tools.dataset.for = this.figure.id;
    tools.setAttribute('aria-controls', this.figure.id);
    this.figure.before(tools);
    this.attachTools(tools);
  }

  /**
   * A chart shown as an image (pages with many charts) becomes the same SVG inline once it is near the
   * screen, so that it follows the page's theme toggle, which an image cannot.
   */
  async inline(): Promise<void> {
    const image = this.svg;
    if (!(image instanceof HTMLImageElement)) return;
    const response = await fetch(image.currentSrc || image.src);
    if (!response.ok || this.svg !== image) return;
    const parsed = new DOMParser().parseFromString(await response.text(), 'image/svg+xml').documentElement;
    if (!(parsed instanceof SVGSVGElement) || this.svg !== image) return;
    for (const style of parsed.querySelectorAll('style[data-standalone]')) style.remove();
    const svg = document.importNode(parsed, true);
    image.replaceWith(svg);
    this.svg = svg;
    this.addTools();
  }

  get shownAsImage(): boolean {
    return this.svg instanceof HTMLImageElement;
  }

  setPlatformShown(platform: string, shown: boolean): void {
    if (shown) this.hidden.delete(platform);
    else this.hidden.add(platform);
    void this.redraw();
  }

  private status(text: string): void {
    const status = this.tools?.querySelector('.chart-status');
    if (status) status.textContent = text;
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      this.figure.classList.add('loading');
      try {
        this.specs = await plotting();
        this.loaded = await Promise.all(
          this.spec.sources.map(async (source) => {
            const data = await fetchSeries(source.src);
            return { platform: source.platform, colour: source.colour, data, points: decodeSeries(data) };
          }),
        );
        this.draw();
      } catch (error) {
        this.status(`Could not load the chart's data (${(error as Error).message}); the chart above is the built one.`);
      } finally {
        this.figure.classList.remove('loading');
      }
    })();
    return this.loading;
  }

  private async redraw(): Promise<void> {
    await this.load();
    this.draw();
  }

  private extent(): [number, number] | undefined {
    const times = (this.loaded ?? []).flatMap((series) => [series.points[0]?.time, series.points.at(-1)?.time]);
    const known = times.filter((time): time is number => time !== undefined);
    return known.length > 0 ? [Math.min(...known), Math.max(...known)] : undefined;
  }

  private draw(): void {
    if (!this.loaded || !this.specs) return;
    const { platformsChart, seriesChart } = this.specs;
    const view = { document, log: this.log, ...(this.domain ? { xDomain: this.domain } : {}), tip: tipText(this.spec.options.unit) };
    // Redrawn at the width it is shown at, so that on a phone its labels are as legible as on a desktop;
    // as tall as the built chart is shown, so nothing below it moves (but never too flat to read).
    const width = Math.round(this.figure.clientWidth);
    const sized =
      width > 0
        ? { width: Math.max(300, width), height: Math.max(180, Math.round((this.builtSize.height * width) / this.builtSize.width)) }
        : {};
    let chart: SVGSVGElement | HTMLElement;
    if (this.spec.kind === 'series') {
      const [series] = this.loaded;
      if (!series) return;
      chart = seriesChart(visible(series.points, this.domain), series.data.total, { ...this.spec.options, ...sized }, view);
    } else {
      const shown = this.loaded
        .filter((series) => !this.hidden.has(series.platform))
        .map((series) => ({ platform: series.platform, colour: series.colour, points: visible(series.points, this.domain) }));
      chart = platformsChart(shown, { ...this.spec.options, ...sized }, view);
    }
    chart.addEventListener('click', () => {
      const point = (chart as unknown as { value?: Drawn | null }).value;
      if (point && !this.drag) location.href = `${this.runBase}${encodeURIComponent(point.runId)}/`;
    });
    if (this.svg) this.svg.replaceWith(chart);
    else this.figure.prepend(chart);
    this.svg = chart instanceof SVGSVGElement ? chart : chart.querySelector('svg');
    this.status(this.describe());
  }

  private describe(): string {
    if (!this.domain) return 'All time. Drag to pan, Ctrl + wheel to zoom, double-click to reset.';
    return `${formatDay(this.domain[0])} to ${formatDay(this.domain[1])}`;
  }

  /** Zoomed, panned or ranged; never past the runs on either side by more than a twentieth of the view. */
  private setDomain(domain: [Date, Date] | undefined): void {
    const extent = this.extent();
    if (domain && extent) {
      const span = Math.max(domain[1].getTime() - domain[0].getTime(), 60_000);
      const margin = span / 20;
      // Wider than the history: that is all of it, drawn as such rather than squeezed to one side.
      if (span >= extent[1] - extent[0] + 2 * margin && domain[0].getTime() <= extent[0]) this.domain = undefined;
      else {
        const from = Math.max(Math.min(domain[0].getTime(), extent[1] + margin - span), extent[0] - margin);
        this.domain = [new Date(from), new Date(from + span)];
      }
    } else {
      this.domain = domain;
    }
    void this.redraw();
  }

  private currentDomain(): [Date, Date] | undefined {
    if (this.domain) return this.domain;
    const extent = this.extent();
    return extent ? [new Date(extent[0]), new Date(extent[1])] : undefined;
  }

  /** Zooms by `factor` (below 1 zooms in) around the time at fraction `at` of the plot's width. */
  private zoom(factor: number, at = 0.5): void {
    const domain = this.currentDomain();
    if (!domain) return;
    const [from, to] = domain.map((date) => date.getTime()) as [number, number];
    const pivot = from + (to - from) * at;
    this.setDomain([new Date(pivot - (pivot - from) * factor), new Date(pivot + (to - pivot) * factor)]);
  }

  private pan(fraction: number): void {
    const domain = this.currentDomain();
    if (!domain) return;
    const shift = (domain[1].getTime() - domain[0].getTime()) * fraction;
    this.setDomain([new Date(domain[0].getTime() + shift), new Date(domain[1].getTime() + shift)]);
  }

  /** Where a pointer is, as a fraction of the plotted width (Plot's x scale knows where the plot starts and ends). */
  private fractionAt(clientX: number): number {
    const svg = (this.svg instanceof SVGSVGElement ? this.svg : null) as
      | (SVGSVGElement & { scale?: (name: 'x') => { range?: [number, number] } | undefined })
      | null;
    const rect = svg?.getBoundingClientRect();
    const width = Number(svg?.getAttribute('width') ?? 640);
    const [left, right] = svg?.scale?.('x')?.range ?? [0, width];
    if (!rect || rect.width === 0 || right === left) return 0.5;
    const x = ((clientX - rect.left) * width) / rect.width;
    return Math.min(1, Math.max(0, (x - left) / (right - left)));
  }

  private onWheel(event: WheelEvent): void {
    // Plain wheel scrolls the page, as everywhere else; Ctrl + wheel (and a trackpad pinch) zooms.
    if (!event.ctrlKey || !this.loaded) return;
    event.preventDefault();
    this.zoom(event.deltaY > 0 ? 1.25 : 0.8, this.fractionAt(event.clientX));
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.button !== 0 || event.pointerType === 'touch') return;
    const domain = this.currentDomain();
    if (domain) this.drag = { x: event.clientX, domain };
  }

  private onPointerMove(event: PointerEvent): void {
    if (!this.drag || !this.loaded) return;
    const moved = this.fractionAt(this.drag.x) - this.fractionAt(event.clientX);
    if (Math.abs(event.clientX - this.drag.x) < 4) return;
    this.figure.setPointerCapture(event.pointerId);
    const [from, to] = this.drag.domain.map((date) => date.getTime()) as [number, number];
    const shift = (to - from) * moved;
    this.domain = [new Date(from + shift), new Date(to + shift)];
    this.draw();
  }

  private onPointerUp(event: PointerEvent): void {
    const dragged = this.drag && Math.abs(event.clientX - this.drag.x) >= 4;
    // A drag ends with a click on the chart: keep the drag state until then so it does not open a run.
    if (dragged) setTimeout(() => (this.drag = undefined));
    else this.drag = undefined;
  }

  private onKey(event: KeyboardEvent): void {
    const actions: Record<string, () => void> = {
      '+': () => this.zoom(0.5),
      '=': () => this.zoom(0.5),
      '-': () => this.zoom(2),
      ArrowLeft: () => this.pan(-0.25),
      ArrowRight: () => this.pan(0.25),
      '0': () => this.setDomain(undefined),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    void this.load().then(action);
  }

  private onTool(event: Event): void {
    const button = (event.target as HTMLElement).closest('button');
    if (!button) return;
    void this.load().then(() => {
      if (button.dataset.zoom) this.zoom(button.dataset.zoom === 'in' ? 0.5 : 2);
      const range = button.dataset.range;
      if (range === 'all') this.setDomain(undefined);
      else if (range) {
        // A range ends at the latest run: the last 7 days of a 4-day history show 3 empty days before it, not 3 after.
        const last = this.extent()?.[1];
        if (last !== undefined) {
          this.domain = [new Date(last - Number(range) * DAY_MS), new Date(last)];
          void this.redraw();
        }
      }
      for (const other of this.tools?.querySelectorAll<HTMLButtonElement>('button[data-range]') ?? []) {
        other.setAttribute('aria-pressed', String(other === button && range !== undefined));
      }
    });
  }
}

const charts: InteractiveChart[] = [];
const byFigure = new Map<Element, InteractiveChart>();
const nearScreen = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      nearScreen.unobserve(entry.target);
      void byFigure.get(entry.target)?.inline();
    }
  },
  { rootMargin: '400px 0px' },
);
for (const figure of document.querySelectorAll<HTMLElement>('figure[data-chart]')) {
  const spec = JSON.parse(figure.dataset.chart ?? '{}') as ChartSpec;
  const tools = figure.parentElement?.querySelector<HTMLElement>(`.chart-tools[data-for="${figure.id}"]`) ?? null;
  const chart = new InteractiveChart(figure, spec, tools, figure.dataset.runBase ?? '/runs/');
  charts.push(chart);
  if (chart.shownAsImage) {
    byFigure.set(figure, chart);
    nearScreen.observe(figure);
  }
}

for (const toggle of document.querySelectorAll<HTMLButtonElement>('button[data-platform-toggle]')) {
  toggle.addEventListener('click', () => {
    const shown = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', String(shown));
    for (const chart of charts) chart.setPlatformShown(toggle.dataset.platformToggle ?? '', shown);
  });
}
