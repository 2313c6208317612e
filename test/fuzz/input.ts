import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One entry of a folder input: file bytes, a symlink, or an (empty) directory. */
export type FolderEntry = Uint8Array | { link: string } | 'dir';

/**
 * A fuzz input as plain data, so it can be mutated, written anywhere and saved as a crash:
 * one file, or a folder of entries with `target` the path inside it that snapinspect opens.
 */
export type Input =
  { kind: 'file'; bytes: Uint8Array } | { kind: 'folder'; entries: Map<string, FolderEntry>; target: string };

export const fileInput = (bytes: Uint8Array): Input => ({ kind: 'file', bytes });

export function folderInput(
  files: Map<string, Uint8Array | string> | Record<string, Uint8Array | string>,
  target = '',
): Input {
  const entries = new Map<string, FolderEntry>();
  for (const [path, data] of files instanceof Map ? files : Object.entries(files))
    entries.set(path, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  return { kind: 'folder', entries, target };
}

/** Writes `input` at `path` and returns the path snapinspect should open. */
export function writeInput(path: string, input: Input): string {
  if (input.kind === 'file') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, input.bytes);
    return path;
  }
  mkdirSync(path, { recursive: true });
  for (const [relative, entry] of input.entries) {
    const target = join(path, relative);
    if (entry === 'dir') {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    if (entry instanceof Uint8Array) writeFileSync(target, entry);
    else symlinkSync(entry.link, target);
  }
  return join(path, input.target);
}

/** Reads a folder written by a fixture builder back into an input (symlinks stay symlinks). */
export function readFolder(root: string, target = ''): Input {
  const entries = new Map<string, FolderEntry>();
  const visit = (relative: string): void => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const stats = lstatSync(join(root, path));
      if (stats.isSymbolicLink()) entries.set(path, { link: readlinkSync(join(root, path)) });
      else if (stats.isDirectory()) {
        entries.set(path, 'dir');
        visit(path);
      } else entries.set(path, readFileSync(join(root, path)));
    }
  };
  visit('');
  return { kind: 'folder', entries, target };
}
