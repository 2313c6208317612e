import { blocks, type Source } from './source.js';

/** Inclusive page ranges, e.g. [[0, 3], [7, 7]]. */
export type PageRanges = [number, number][];

export interface PageScan {
  pageCount: number;
  zeroPages: number;
  zeroRanges: PageRanges;
  dataRanges: PageRanges;
}

export function pageCount(size: number, pageSize: number): number {
  return Math.ceil(size / pageSize);
}

/** Adds `page` to sorted ranges built in ascending order. */
export function appendPage(ranges: PageRanges, page: number): void {
  const last = ranges[ranges.length - 1];
  if (last && last[1] === page - 1) last[1] = page;
  else ranges.push([page, page]);
}

export function countPages(ranges: PageRanges): number {
  return ranges.reduce((sum, [first, last]) => sum + last - first + 1, 0);
}

/**
 * One streaming pass that classifies each page as all-zero or data; memory stays bounded.
 * `afterBlock` runs between blocks with the bytes done: an interactive caller reports progress,
 * lets keys through and stops the scan by throwing.
 */
export async function scanPages(
  source: Source,
  pageSize: number,
  afterBlock?: (bytesDone: number) => Promise<void>,
): Promise<PageScan> {
  const zeroRanges: PageRanges = [];
  const dataRanges: PageRanges = [];
  const zero = Buffer.alloc(pageSize);
  const blockSize = Math.max(pageSize, Math.floor((4 * 1024 * 1024) / pageSize) * pageSize);
  let page = 0;
  for await (const block of blocks(source, blockSize)) {
    const view = Buffer.from(block.buffer, block.byteOffset, block.length);
    for (let offset = 0; offset < view.length; offset += pageSize, page++) {
      const slice = view.subarray(offset, offset + pageSize);
      const isZero = slice.equals(slice.length === pageSize ? zero : zero.subarray(0, slice.length));
      appendPage(isZero ? zeroRanges : dataRanges, page);
    }
    await afterBlock?.(Math.min(source.size, page * pageSize));
  }
  return { pageCount: page, zeroPages: countPages(zeroRanges), zeroRanges, dataRanges };
}

export function formatRanges(ranges: PageRanges): string {
  return ranges.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`)).join(', ');
}
