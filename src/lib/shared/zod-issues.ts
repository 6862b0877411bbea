/** What zod found wrong, as every message prints it: the field's path as a reader writes it, then zod's words. Runs in the browser too. */
import type { z } from 'zod';

/** `benchmarks[3].stats.mean`, from zod's ['benchmarks', 3, 'stats', 'mean']. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  const where = fieldPath(issue.path);
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** The first issue (or the first few), for a one-line message; zod can report hundreds for one bad file. */
export function describeZodError(error: z.ZodError, limit = 1): string {
  const shown = error.issues.slice(0, limit).map(describeIssue);
  const more = error.issues.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
