/**
 * Units as tools write them ("ns/iter", "ms", "MiB", "ops/sec") brought to one base unit per kind
 * (seconds, bytes, per second), so a series imported once in ms and once in ns compares number to
 * number, and every output can print it with one SI prefix. Runs in the browser too: no Node imports.
 */

/** A unit read: the base unit its values convert to, and the factor that converts them. */
export interface UnitReading {
  unit: string;
  /** value in the base unit = value × factor. */
  factor: number;
}

const TIME: Record<string, number> = {
  ps: 1e-12,
  ns: 1e-9,
  nsec: 1e-9,
  nanoseconds: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  usec: 1e-6,
  microseconds: 1e-6,
  ms: 1e-3,
  msec: 1e-3,
  milliseconds: 1e-3,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  min: 60,
  mins: 60,
  minutes: 60,
  h: 3600,
  hours: 3600,
};

const BYTES: Record<string, number> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Rates whose counted thing has no unit of its own: all become "ops/s". */
const OPERATIONS = new Set(['op', 'ops', 'operation', 'operations']);

/** Base units that SI prefixes apply to; any other unit is printed as the tool wrote it. */
export const PREFIXABLE_UNITS = new Set(['s', 'B', 'B/s', 'ops/s', 'Hz']);

function perSecond(denominator: string): boolean {
  return /^(s|sec|secs|second|seconds)$/i.test(denominator);
}

/** The amount part of a unit ("ns" of "ns/iter"), in its base unit. */
function readAmount(text: string): UnitReading | null {
  const time = TIME[text] ?? TIME[text.toLowerCase()];
  if (time !== undefined) return { unit: 's', factor: time };
  // "Mb" would be megabits: bytes are only read when written with a capital B (or spelled out).
  if (/^[kKMGT]?i?B$|^bytes?$/.test(text)) {
    const bytes = BYTES[text.toLowerCase()];
    if (bytes !== undefined) return { unit: 'B', factor: bytes };
  }
  return null;
}

/**
 * The base unit of a unit and the factor to it. Units that are not times, sizes or rates of them
 * ("%", "score", "parsecs", "allocs/op") are their own base, with factor 1.
 */
export function readUnit(unit: string): UnitReading {
  const text = unit.trim();
  const amount = readAmount(text);
  if (amount) return amount;
  const slash = text.indexOf('/');
  if (slash > 0) {
    const numerator = text.slice(0, slash).trim();
    const denominator = text.slice(slash + 1).trim();
    if (perSecond(denominator)) {
      if (OPERATIONS.has(numerator.toLowerCase())) return { unit: 'ops/s', factor: 1 };
      const bytes = readAmount(numerator);
      if (bytes?.unit === 'B') return { unit: 'B/s', factor: bytes.factor };
      return { unit: `${numerator}/s`, factor: 1 };
    }
    // Per-iteration and per-operation amounts ("ns/iter", "B/op") keep what they are counted per.
    const perThing = readAmount(numerator);
    if (perThing) return { unit: `${perThing.unit}/${denominator}`, factor: perThing.factor };
  }
  if (/^(hz|hertz)$/i.test(text)) return { unit: 'Hz', factor: 1 };
  return { unit: text, factor: 1 };
}

/** Exact for the factors above: dividing by 10^k rounds once, multiplying by 10^-k twice. */
export function toBaseUnit(value: number, factor: number): number {
  if (factor === 1) return value;
  return factor < 1 ? value / Math.round(1 / factor) : value * factor;
}

/** The base unit's SI prefixable part: "s" of "s/iter", "B" of "B/op". */
export function prefixableBase(unit: string): string | null {
  if (PREFIXABLE_UNITS.has(unit)) return unit;
  const slash = unit.indexOf('/');
  if (slash > 0) {
    const numerator = unit.slice(0, slash);
    if (numerator === 's' || numerator === 'B') return numerator;
  }
  return null;
}
