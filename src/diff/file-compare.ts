import { availableParallelism } from 'node:os';
import type { PageRanges } from '../model/memory.js';
import { startWorker } from '../workers/launch.js';
import type { FileSide, PageCompareMessage, PageComparison, PageRangeJob } from '../workers/page-compare.js';

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

function run(job: PageRangeJob, onProgress: (bytes: number) => void): Promise<PageComparison> {
  return new Promise((resolve, reject) => {
    const worker = startWorker('page-compare-worker', job);
    worker.on('message', (message: PageCompareMessage) => {
      if ('progress' in message) onProgress(message.progress);
      else resolve(message.done);
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
