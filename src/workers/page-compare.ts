import { closeSync, readSync } from 'node:fs';
import { openLocalFile } from './local-file.js';

export interface FileSide {
  path: string | Uint8Array;
  size: number;
}

export interface PageComparison {
  changed: number[];
  added: number[];
  addedZero: number[];
  removed: number[];
  bytesChanged: number;
}

/** One worker's share of a comparison: pages [firstPage, endPage) of both files, read `block` bytes at a time. */
export interface PageRangeJob {
  a: FileSide;
  b: FileSide;
  pageSize: number;
  block: number;
  firstPage: number;
  endPage: number;
}

/** What the page-compare worker posts: bytes compared so far, then its result. */
export type PageCompareMessage = { progress: number } | { done: PageComparison };

/**
 * Compares a range of pages of two local files. Buffers are reused so the page cache is copied into
 * warm memory instead of faulting in fresh pages on every block.
 */
export function comparePageRange(job: PageRangeJob, onProgress: (bytes: number) => void): PageComparison {
  const fa = openLocalFile(job.a.path);
  try {
    const fb = openLocalFile(job.b.path);
    try {
      return compareOpenFiles(job, fa, fb, onProgress);
    } finally {
      closeSync(fb);
    }
  } finally {
    closeSync(fa);
  }
}

function compareOpenFiles(
  job: PageRangeJob,
  fa: number,
  fb: number,
  onProgress: (bytes: number) => void,
): PageComparison {
  const { a, b, pageSize, firstPage, endPage, block } = job;
  const left = Buffer.allocUnsafe(block);
  const right = Buffer.allocUnsafe(block);
  const zero = Buffer.alloc(pageSize);
  const out: PageComparison = { changed: [], added: [], addedZero: [], removed: [], bytesChanged: 0 };
  for (let page = firstPage; page < endPage;) {
    const pages = Math.min(endPage - page, block / pageSize);
    const offset = page * pageSize;
    const leftEnd = fill(fa, left, a.size, offset, pages * pageSize);
    const rightEnd = fill(fb, right, b.size, offset, pages * pageSize);
    for (let i = 0; i < pages; i++) {
      const start = i * pageSize;
      const lend = Math.min(leftEnd, start + pageSize);
      const rend = Math.min(rightEnd, start + pageSize);
      if (lend <= start && rend <= start) continue;
      if (lend <= start) {
        out.added.push(page + i);
        if (right.compare(zero, 0, rend - start, start, rend) === 0) out.addedZero.push(page + i);
      } else if (rend <= start) {
        out.removed.push(page + i);
      } else if (lend !== rend || left.compare(right, start, rend, start, lend) !== 0) {
        out.changed.push(page + i);
        out.bytesChanged += differingBytes(left, right, start, lend, rend);
      }
    }
    page += pages;
    onProgress(pages * pageSize);
  }
  return out;
}

/** Reads up to `length` bytes at `offset` into the buffer's start; returns how many there were. */
function fill(fd: number, buffer: Buffer, size: number, offset: number, length: number): number {
  let filled = 0;
  while (filled < length && offset + filled < size) {
    const n = readSync(fd, buffer, filled, Math.min(length - filled, size - offset - filled), offset + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

function differingBytes(left: Buffer, right: Buffer, start: number, lend: number, rend: number): number {
  const common = Math.min(lend, rend);
  let differing = Math.abs(lend - rend);
  for (let j = start; j < common; j++) if (left[j] !== right[j]) differing++;
  return differing;
}
