import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapinspectError } from '../model/errors.js';
import { limits } from './shared/limits.js';
import type { Probe } from './reader.js';
import { readTextFile } from './shared/text-file.js';
import { openTarArchive, type TarArchive } from './shared/tar-archive.js';
import { FileSource } from '../model/source.js';

const HEAD_BYTES = 4096;

/** Gathers what detection needs once, so trying every reader stays cheap. */
export async function probePath(path: string): Promise<Probe> {
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new SnapinspectError('NOT_FOUND', `no such file or folder: ${path}`);
    throw new SnapinspectError('IO', `cannot read ${path}: ${error.code ?? error.message}`);
  });
  const readSmallFile = (name?: string): Promise<string | null> =>
    readTextFile(name === undefined ? path : join(path, name), limits.metadataBytes);
  if (stats.isDirectory()) {
    const entries = await readdir(path).catch(() => {
      throw new SnapinspectError('IO', `cannot list folder ${path}`);
    });
    return { path, isDirectory: true, size: 0, head: new Uint8Array(0), entries, readSmallFile, tar: async () => null };
  }
  if (!stats.isFile()) throw new SnapinspectError('UNREADABLE', `${path} is neither a file nor a folder`);
  let tar: Promise<TarArchive | null> | undefined;
  const file = new FileSource(path, stats.size);
  return {
    path,
    isDirectory: false,
    size: stats.size,
    head: await readHead(path),
    entries: [],
    readSmallFile,
    tar: () => (tar ??= openTarArchive(file)),
  };
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r').catch(() => {
    throw new SnapinspectError('IO', `cannot open ${path}`);
  });
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
