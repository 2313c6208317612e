import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../../model/snapshot.js';
import type { Probe, Reader } from '../reader.js';
import { openCheckpoint } from './folder.js';
import { readHeader } from './image.js';
import { INVENTORY } from './magic.js';
import { criuLimits } from './limits.js';
import { openImageFile } from './single.js';

/** CRIU checkpoints (`docker checkpoint create`, podman, runc): a folder of images, or one image. */
export const criuReader: Reader = {
  id: 'criu',
  limits: criuLimits,
  label: 'CRIU checkpoint folder or image',
  async detect(probe: Probe): Promise<string | null> {
    if (!probe.isDirectory) return readHeader(probe.head) ? 'image' : null;
    if (!probe.entries.includes('inventory.img') || !probe.entries.includes('pstree.img')) return null;
    const head = await readHead(join(probe.path, 'inventory.img'));
    return readHeader(head)?.magic === INVENTORY ? 'checkpoint' : null;
  },
  open(probe: Probe): Promise<Snapshot> {
    return probe.isDirectory ? openCheckpoint(probe.path) : openImageFile(probe.path, probe.size);
  },
};

/** The first bytes of a regular file, never through a symlink; empty when there is no such file. */
async function readHead(path: string): Promise<Uint8Array> {
  try {
    if (!(await lstat(path)).isFile()) return new Uint8Array(0);
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(8);
      const { bytesRead } = await handle.read(buffer, 0, 8, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return new Uint8Array(0);
  }
}
