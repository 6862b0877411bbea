/**
 * Long series are thinned for display without hiding a spike: the points are cut into equal buckets
 * and each bucket keeps its lowest and its highest point (in time order). Points the caller marks as
 * important (regressions, change points) are always kept. The data files keep every point.
 */
export function downsampleMinMax<T>(
  points: readonly T[],
  maxPoints: number,
  value: (point: T) => number,
  keep: (point: T) => boolean = () => false,
): T[] {
  if (points.length <= maxPoints) return [...points];
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = points.length / buckets;
  const kept = new Set<number>();
  for (let bucket = 0; bucket < buckets; bucket++) {
    const start = Math.floor(bucket * size);
    const end = Math.min(points.length, Math.floor((bucket + 1) * size));
    let low = start;
    let high = start;
    for (let index = start; index < end; index++) {
      const point = points[index] as T;
      if (value(point) < value(points[low] as T)) low = index;
      if (value(point) > value(points[high] as T)) high = index;
      if (keep(point)) kept.add(index);
    }
    kept.add(low);
    kept.add(high);
  }
  kept.add(0);
  kept.add(points.length - 1);
  return [...kept].sort((a, b) => a - b).map((index) => points[index] as T);
}
