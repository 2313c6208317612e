import { parentPort } from 'node:worker_threads';
import { errorCode, HASH_READ_BLOCK, sha256OfFile, type FileHashAnswer, type FileHashJob } from './file-sha256.js';

const buffer = Buffer.allocUnsafe(HASH_READ_BLOCK);

parentPort?.on('message', ({ index, path, size }: FileHashJob) => {
  let answer: FileHashAnswer;
  try {
    answer = { index, digest: sha256OfFile(path, size, buffer) };
  } catch (error) {
    answer = { index, error: errorCode(error) };
  }
  parentPort?.postMessage(answer);
});
