/**
 * Appends every item to `target`. `target.push(...items)` passes each item as an argument and
 * overflows the call stack at a few hundred thousand of them; a loop has no such limit.
 */
export function pushAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

/** The largest of `values`, or `fallback` when there are none; `Math.max(...values)` has the same stack limit. */
export function maxOf(values: Iterable<number>, fallback = 0): number {
  let max: number | undefined;
  for (const value of values) if (max === undefined || value > max) max = value;
  return max ?? fallback;
}
