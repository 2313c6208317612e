import type { MemoryChange } from '../diff/types.js';
import type { PageRanges, PageScan } from '../model/memory.js';

/** What one page (or group of pages) of a memory holds; in a diff, how it changed. */
export type PageClass = 'zero' | 'data' | 'same' | 'changed' | 'added' | 'removed';

/** Plain characters, so the picture reads without colour (NO_COLOR) too. */
export const pageGlyphs: Record<PageClass, string> = {
  zero: '·',
  data: '█',
  same: '=',
  changed: 'M',
  added: '+',
  removed: '-',
};
export const pageColors: Record<PageClass, string | undefined> = {
  zero: 'gray',
  data: 'cyan',
  same: 'gray',
  changed: 'yellow',
  added: 'green',
  removed: 'red',
};

/** When groups merge pages, the most notable class wins. */
const rank: Record<PageClass, number> = { zero: 0, same: 1, data: 2, removed: 3, added: 4, changed: 5 };

function paint(classes: PageClass[], ranges: PageRanges, value: PageClass): void {
  for (const [first, last] of ranges) {
    for (let page = first; page <= Math.min(last, classes.length - 1); page++) classes[page] = value;
  }
}

export function scanClasses(scan: PageScan): PageClass[] {
  const classes = new Array<PageClass>(scan.pageCount).fill('zero');
  paint(classes, scan.dataRanges, 'data');
  return classes;
}

export function diffClasses(change: MemoryChange, pageCount: number): PageClass[] {
  const classes = new Array<PageClass>(pageCount).fill('same');
  paint(classes, change.changedPages, 'changed');
  paint(classes, change.addedPages, 'added');
  paint(classes, change.removedPages, 'removed');
  return classes;
}

/** Pages per cell so the whole memory fits in `cells` cells. */
export function groupSize(pageCount: number, cells: number): number {
  return Math.max(1, Math.ceil(pageCount / Math.max(1, cells)));
}

export function groupClasses(classes: readonly PageClass[], group: number): PageClass[] {
  const cells: PageClass[] = [];
  for (let start = 0; start < classes.length; start += group) {
    let best: PageClass = classes[start] ?? 'zero';
    for (let page = start + 1; page < Math.min(classes.length, start + group); page++) {
      const value = classes[page] ?? 'zero';
      if (rank[value] > rank[best]) best = value;
    }
    cells.push(best);
  }
  return cells;
}
