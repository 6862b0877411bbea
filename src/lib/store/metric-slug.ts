import { createHash } from 'node:crypto';
import { metricKey } from '../shared/keys.ts';

/** A URL-safe, stable, collision-free page name for a metric whose name may hold any text. */
export function metricSlug(suite: string, metric: string): string {
  const readable = `${suite}-${metric}`
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, '-')
    .replaceAll(/^-+|-+$/g, '')
    .slice(0, 60);
  const hash = createHash('sha256').update(metricKey({ suite, metric })).digest('hex').slice(0, 8);
  return `${readable || 'metric'}-${hash}`;
}
