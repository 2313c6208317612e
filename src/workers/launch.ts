import { Worker } from 'node:worker_threads';

/** The worker threads, each built as its own entry of the bundle (scripts/build.mjs). */
export type WorkerName = 'sha256-worker' | 'page-compare-worker';

// Bundled, every module and worker sits in one folder (dist/ or bench/work/). Run from the sources, as
// the tests do, the workers come from dist/, which the test set-up builds before any test runs.
function workerUrl(name: WorkerName): URL {
  const fromSources = import.meta.url.endsWith('.ts');
  return new URL(fromSources ? `../../dist/${name}.mjs` : `./${name}.mjs`, import.meta.url);
}

export function startWorker(name: WorkerName, workerData?: unknown): Worker {
  return new Worker(workerUrl(name), { workerData });
}
