import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PageRanges } from '../model/memory.js';

export interface FileSide {
  path: string | Buffer;
  size: number;
}

export interface PageComparison {
  changed: number[];
  added: number[];
  addedZero: number[];
  removed: number[];
  bytesChanged: number;
}

// Eval'd so it runs the same from the bundle and from tests; buffers are reused so the page cache
// is copied into warm memory instead of faulting in fresh pages on every block.
const workerCode = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { a, b, pageSize, firstPage, endPage, block } = workerData;
const left = Buffer.allocUnsafe(block), right = Buffer.allocUnsafe(block), zero = Buffer.alloc(pageSize);
const fa = fs.openSync(typeof a.path === 'string' ? a.path : Buffer.from(a.path), 'r');
const fb = fs.openSync(typeof b.path === 'string' ? b.path : Buffer.from(b.path), 'r');
const out = { changed: [], added: [], addedZero: [], removed: [], bytesChanged: 0 };
const fill = (fd, buffer, size, offset, length) => {
  let filled = 0;
  while (filled < length && offset + filled < size) {
    const n = fs.readSync(fd, buffer, filled, Math.min(length - filled, size - offset - filled), offset + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
};
for (let page = firstPage; page < endPage; ) {
  const pages = Math.min(endPage - page, block / pageSize);
  const offset = page * pageSize;
  const nl = fill(fa, left, a.size, offset, pages * pageSize);
  const nr = fill(fb, right, b.size, offset, pages * pageSize);
  for (let i = 0; i < pages; i++) {
    const start = i * pageSize, lend = Math.min(nl, start + pageSize), rend = Math.min(nr, start + pageSize);
    if (lend <= start && rend <= start) continue;
    if (lend <= start) { out.added.push(page + i); if (right.compare(zero, 0, rend - start, start, rend) === 0) out.addedZero.push(page + i); continue; }
    if (rend <= start) { out.removed.push(page + i); continue; }
    if (lend - start === rend - start && left.compare(right, start, rend, start, lend) === 0) continue;
    out.changed.push(page + i);
    const common = Math.min(lend, rend);
    let differing = Math.abs((lend - start) - (rend - start));
    for (let j = start; j < common; j++) if (left[j] !== right[j]) differing++;
    out.bytesChanged += differing;
  }
  page += pages;
  parentPort.postMessage({ progress: pages * pageSize });
}
parentPort.postMessage({ done: out });`;

/** Two local files compared by one worker per core, each over its own range of pages. */
export async function compareFilePages(
  a: FileSide,
  b: FileSide,
  pageSize: number,
  progress?: (done: number, total: number) => void,
): Promise<PageComparison> {
  const totalPages = Math.ceil(Math.max(a.size, b.size) / pageSize);
  const workers = Math.max(1, Math.min(availableParallelism(), Math.ceil(totalPages / 64)));
  const perWorker = Math.ceil(totalPages / workers);
  const block = Math.max(pageSize, Math.floor((1024 * 1024) / pageSize) * pageSize);
  const total = Math.max(a.size, b.size);
  let done = 0;
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, index) =>
      run(
        { a, b, pageSize, block, firstPage: index * perWorker, endPage: Math.min(totalPages, (index + 1) * perWorker) },
        (bytes) => {
          done += bytes;
          progress?.(Math.min(done, total), total);
        },
      ),
    ),
  );
  return {
    changed: parts.flatMap((part) => part.changed),
    added: parts.flatMap((part) => part.added),
    addedZero: parts.flatMap((part) => part.addedZero),
    removed: parts.flatMap((part) => part.removed),
    bytesChanged: parts.reduce((sum, part) => sum + part.bytesChanged, 0),
  };
}

function run(workerData: object, onProgress: (bytes: number) => void): Promise<PageComparison> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerCode, { eval: true, workerData });
    worker.on('message', (message: { progress?: number; done?: PageComparison }) => {
      if (message.progress) onProgress(message.progress);
      if (message.done) resolve(message.done);
    });
    worker.on('error', reject);
  });
}

export function toRanges(pages: readonly number[]): PageRanges {
  const ranges: PageRanges = [];
  for (const page of pages) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === page - 1) last[1] = page;
    else ranges.push([page, page]);
  }
  return ranges;
}
