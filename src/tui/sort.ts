import type { Entry } from './entries.js';

export type SortKey = 'name' | 'size' | 'mtime';

export interface Sort {
  key: SortKey;
  reverse: boolean;
}

/** Positions in a folder's children array: any order can then reuse rows made once per folder. */
export type Order = readonly number[];

interface CachedOrder {
  /** The folder sizes a size order was made with; a newer map makes it stale. */
  sizes: ReadonlyMap<string, number> | null;
  order: number[];
  ranks: Float64Array | null;
}

/**
 * Each folder's orders, one per sort key and direction. Sorting 100k entries takes tens of
 * milliseconds, so switching back to an order already made, or reversing it, must not sort again.
 */
const orders = new WeakMap<Entry[], Map<string, CachedOrder>>();

/** The order `sort` asks for of one folder's children. */
export function sortOrder(children: Entry[], sort: Sort, sizes: ReadonlyMap<string, number>): Order {
  return cachedOrder(children, sort, sizes).order;
}

function cachedOrder(children: Entry[], sort: Sort, sizes: ReadonlyMap<string, number>): CachedOrder {
  let cache = orders.get(children);
  if (!cache) {
    cache = new Map();
    orders.set(children, cache);
  }
  const signature = `${sort.key}:${sort.reverse}`;
  const wantedSizes = sort.key === 'size' ? sizes : null;
  const cached = cache.get(signature);
  if (cached && cached.sizes === wantedSizes) return cached;
  const made = sort.reverse
    ? reversed(cachedOrder(children, { key: sort.key, reverse: false }, sizes))
    : ascending(children, sort.key, sizes);
  const entry = { ...made, sizes: wantedSizes };
  cache.set(signature, entry);
  return entry;
}

/** Sizes and times sort largest and newest first, as ncdu does, names alphabetically. */
function ascending(children: Entry[], key: SortKey, sizes: ReadonlyMap<string, number>): Omit<CachedOrder, 'sizes'> {
  if (key === 'name') {
    const order = children.map((_, index) => index);
    order.sort((a, b) => compareNames(children[a] as Entry, children[b] as Entry));
    return { order, ranks: null };
  }
  const ranks = new Float64Array(children.length);
  children.forEach((entry, index) => {
    // Nanoseconds as a double lose a little precision, far below what ordering by time needs.
    ranks[index] =
      key === 'size' ? -(sizes.get(entry.path) ?? entry.node.size) : -Number(entry.node.mtime?.epochNs ?? -1n);
  });
  // Ties go by name: a stable sort of the name order compares numbers only, and measured faster
  // than comparing names within ties (a name order made once serves every key).
  const order = [...sortOrder(children, { key: 'name', reverse: false }, sizes)];
  order.sort((a, b) => (ranks[a] as number) - (ranks[b] as number));
  return { order, ranks };
}

const compareNames = (a: Entry, b: Entry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The reverse of an ascending order in one pass; entries of equal rank keep their name order. */
function reversed({ order, ranks }: CachedOrder): Omit<CachedOrder, 'sizes'> {
  if (!ranks) return { order: [...order].reverse(), ranks };
  const out: number[] = [];
  for (let end = order.length; end > 0;) {
    const value = ranks[order[end - 1] as number];
    let start = end - 1;
    while (start > 0 && ranks[order[start - 1] as number] === value) start--;
    for (let index = start; index < end; index++) out.push(order[index] as number);
    end = start;
  }
  return { order: out, ranks };
}
