import { lstat, open } from 'node:fs/promises';

/**
 * A small text file, or null when it is missing, larger than `maxBytes`, or not a regular file.
 * Symlinks are not followed and FIFOs are never opened, so a hostile folder cannot make us hang
 * or read outside itself.
 */
export async function readTextFile(path: string | Buffer, maxBytes: number): Promise<string | null> {
  try {
    const stats = await lstat(path);
    if (!stats.isFile() || stats.size > maxBytes) return null;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(stats.size);
      const { bytesRead } = await handle.read(buffer, 0, stats.size, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
