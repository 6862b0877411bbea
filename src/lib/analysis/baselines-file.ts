/**
 * data/baselines.json, the seed's multi-platform format: platform → metric → pinned value, plus a
 * `metadata` block per platform. Metrics are keyed "suite/metric"; a bare metric name (as the seed
 * wrote them) pins that metric in whatever suite it is. Everything perfsite does not understand is
 * kept as it is when the file is rewritten.
 */
import { DataError } from '../shared/errors.ts';
import { writeFileAtomic } from '../store/atomic-file.ts';
import { dataLayout, displayPath } from '../store/paths.ts';
import { LinkedFileError, readPlainFile } from '../store/plain-file.ts';

export type BaselinesDocument = Record<string, unknown>;

export interface PinnedBaselines {
  file: string;
  document: BaselinesDocument;
  /** platform → key → value */
  values: Map<string, Map<string, number>>;
}

export class BaselinesFileError extends DataError {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseBaselines(text: string, file: string): PinnedBaselines {
  const where = displayPath(file);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new BaselinesFileError(
      `${where} is not valid JSON (${(error as Error).message}). Restore it with \`git checkout -- ${where}\`, or delete it to fall back to rolling baselines.`,
    );
  }
  if (!isObject(document)) {
    throw new BaselinesFileError(
      `${where} must hold an object of platforms ({"Linux_x86_64_2C_24GB": {"suite/metric": 1.5}}); restore or delete it.`,
    );
  }
  const values = new Map<string, Map<string, number>>();
  for (const [platform, entry] of Object.entries(document)) {
    if (!isObject(entry)) continue;
    const metrics = new Map<string, number>();
    for (const [key, value] of Object.entries(entry)) {
      if (key === 'metadata') continue;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new BaselinesFileError(
          `${where}: ${platform} → ${JSON.stringify(key)} is ${JSON.stringify(value)}, not a number. Each metric's baseline must be a finite number; fix or remove the entry.`,
        );
      }
      metrics.set(key, value);
    }
    values.set(platform, metrics);
  }
  return { file, document, values };
}

export async function loadBaselines(dataDir: string): Promise<PinnedBaselines> {
  const file = dataLayout(dataDir).baselinesFile;
  let text: string | undefined;
  try {
    text = await readPlainFile(file);
  } catch (error) {
    if (error instanceof LinkedFileError) throw error;
    throw new BaselinesFileError(`${displayPath(file)} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text === undefined) return { file, document: {}, values: new Map() };
  return parseBaselines(text, file);
}

export function pinnedValue(pinned: PinnedBaselines, platform: string, suite: string, metric: string): number | undefined {
  const forPlatform = pinned.values.get(platform);
  return forPlatform?.get(`${suite}/${metric}`) ?? forPlatform?.get(metric);
}

export interface PinUpdate {
  platform: string;
  values: Record<string, number>;
  metadata: Record<string, unknown>;
}

/** Writes new pinned values for one platform, keeping its other keys, other platforms and unknown keys. */
export async function writePinnedBaselines(dataDir: string, pinned: PinnedBaselines, update: PinUpdate): Promise<void> {
  const document: BaselinesDocument = structuredClone(pinned.document);
  const existing = isObject(document[update.platform]) ? (document[update.platform] as Record<string, unknown>) : {};
  const metadata = isObject(existing.metadata) ? existing.metadata : {};
  document[update.platform] = { ...existing, ...update.values, metadata: { ...metadata, ...update.metadata } };
  const layout = dataLayout(dataDir);
  await writeFileAtomic(layout.tmpDir, layout.baselinesFile, `${JSON.stringify(document, null, 2)}\n`, { exclusive: false });
}
