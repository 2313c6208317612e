import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from '../shared/limits.js';
import { openQcow2Image, type Qcow2Image } from '../qcow2/index.js';
import { listDir, type DirEntry } from '../shared/fs-tree.js';
import { readTextFile } from '../shared/text-file.js';
import { DESCRIPTION_NAME, fileIndex, parseDescription, type SnapshotDescription } from './description.js';
import { pushAll } from '../../model/arrays.js';

/** Multipass numbers snapshots up to 9999; a folder with more description files than that is not one of its own. */
const MAX_DESCRIPTIONS = 10_000;
const COUNTERS = ['snapshot-head', 'snapshot-count'] as const;

/** An instance folder `<data>/vault/instances/<name>/` as read, before the JSON side is joined to the qcow2 side. */
export interface MultipassInstance {
  dir: string;
  name: string;
  entries: DirEntry[];
  /** Prefix of diagnostic paths: empty for an instance folder, `vault/instances/<name>/` below a data root. */
  prefix: string;
  head: number | null;
  count: number | null;
  /** By index, then file name. */
  descriptions: SnapshotDescription[];
  imageName: string | null;
  image: Qcow2Image | null;
  diagnostics: Diagnostic[];
}

export function isCounterOrDescription(name: string): boolean {
  return (COUNTERS as readonly string[]).includes(name) || DESCRIPTION_NAME.test(name);
}

/** Whether a file starts with the qcow2 magic: `.img` alone says nothing (raw disks and CRIU use it too). */
export async function isQcow2File(path: string | Buffer): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await handle.read(head, 0, 4, 0);
      return bytesRead === 4 && head.equals(Buffer.from([0x51, 0x46, 0x49, 0xfb]));
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

export async function readInstance(dir: string, prefix = ''): Promise<MultipassInstance> {
  const diagnostics: Diagnostic[] = [];
  const entries = await listDir(dir, diagnostics, prefix.replace(/\/$/, ''));
  const instance: MultipassInstance = {
    dir,
    name: basename(dir),
    entries,
    prefix,
    head: null,
    count: null,
    descriptions: [],
    imageName: null,
    image: null,
    diagnostics,
  };
  instance.head = await readCounter(instance, 'snapshot-head');
  instance.count = await readCounter(instance, 'snapshot-count');
  await readDescriptions(instance);
  await openImage(instance);
  return instance;
}

async function readCounter(instance: MultipassInstance, name: (typeof COUNTERS)[number]): Promise<number | null> {
  if (!instance.entries.some((entry) => entry.name === name)) {
    if (instance.entries.some((entry) => DESCRIPTION_NAME.test(entry.name))) {
      instance.diagnostics.push(
        diagnostic(
          'warning',
          'MULTIPASS_COUNTER_MISSING',
          `${name} is missing although snapshot descriptions exist`,
          instance.prefix + name,
        ),
      );
    }
    return null;
  }
  const text = await readTextFile(join(instance.dir, name), 64);
  if (text !== null && /^\d{1,9}\n?$/.test(text)) return Number(text.trim());
  instance.diagnostics.push(
    diagnostic(
      'error',
      'MULTIPASS_BAD_FIELD',
      `${name} should hold a decimal number and a newline, found ${JSON.stringify(text?.slice(0, 20) ?? 'unreadable')}`,
      instance.prefix + name,
    ),
  );
  return null;
}

async function readDescriptions(instance: MultipassInstance): Promise<void> {
  instance.descriptions = await readDescriptionFiles(instance.entries, instance.prefix, instance.diagnostics);
}

/** Every `NNNN.snapshot.json` among `entries`, parsed, by index then file name. */
export async function readDescriptionFiles(
  entries: readonly DirEntry[],
  prefix: string,
  diagnostics: Diagnostic[],
): Promise<SnapshotDescription[]> {
  const files = entries.filter((entry) => DESCRIPTION_NAME.test(entry.name));
  if (files.length > MAX_DESCRIPTIONS) {
    diagnostics.push(
      diagnostic(
        'warning',
        'MULTIPASS_TOO_MANY_SNAPSHOTS',
        `${files.length} snapshot descriptions; only the first ${MAX_DESCRIPTIONS} are read`,
        prefix.replace(/\/$/, ''),
      ),
    );
  }
  const descriptions: SnapshotDescription[] = [];
  for (const entry of files.slice(0, MAX_DESCRIPTIONS)) {
    const parsed = parseDescription(
      await readTextFile(entry.path, limits.leftoverBytes),
      entry.name,
      prefix + entry.name,
    );
    pushAll(diagnostics, parsed.diagnostics);
    if (parsed.description) descriptions.push(parsed.description);
  }
  const order = (description: SnapshotDescription): number =>
    description.index ?? fileIndex(description.file) ?? Number.MAX_SAFE_INTEGER;
  return descriptions.sort((a, b) => order(a) - order(b) || (a.file < b.file ? -1 : 1));
}

/** The qcow2 disk: the `*.img` file that starts with the qcow2 magic (the first by name if several do). */
async function openImage(instance: MultipassInstance): Promise<void> {
  const candidates = instance.entries.filter((entry) => entry.name.endsWith('.img'));
  for (const entry of candidates) {
    if (!(await isQcow2File(entry.path))) continue;
    instance.imageName = entry.name;
    instance.image = await openQcow2Image(entry.path, instance.prefix + entry.name);
    pushAll(instance.diagnostics, instance.image.diagnostics);
    return;
  }
  instance.diagnostics.push(
    diagnostic(
      'error',
      'MULTIPASS_NO_IMAGE',
      `no qcow2 disk image (*.img starting with QFI\\xfb) in the instance folder: snapshots cannot be joined to disk states`,
      instance.prefix.replace(/\/$/, '') || undefined,
    ),
  );
}
