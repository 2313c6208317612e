import { parentPort, workerData } from 'node:worker_threads';
import { comparePageRange, type PageCompareMessage, type PageRangeJob } from './page-compare.js';

const post = (message: PageCompareMessage): void => parentPort?.postMessage(message);
post({ done: comparePageRange(workerData as PageRangeJob, (bytes) => post({ progress: bytes })) });
