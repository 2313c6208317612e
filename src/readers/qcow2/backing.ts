import { constants, type Stats } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { decodeName } from '../../model/display.js';
import { errorMessage } from '../../model/errors.js';
import { FileSource } from '../../model/source.js';
import { hasQcow2Magic } from './header.js';
import { limits } from './limits.js';

/** One file below an image: a qcow2 image (read through its active state) or a raw disk. */
export type BackingLink<Image extends ChainImage = ChainImage> =
  { format: 'qcow2'; name: string; image: Image } | { format: 'raw'; name: string; file: RawBackingSource };

/** What the walk needs of an opened qcow2 file (a Qcow2Image; named here so this module does not import image.ts). */
export interface ChainImage {
  scope: string;
  path: string | Buffer;
  backingName: Uint8Array | null;
  extensions: { backingFormat: string | null } | null;
  diagnostics: Diagnostic[];
  unreadable: string | null;
  where: string | undefined;
}

/** Opens a qcow2 file without following its own backing name (the chain is walked here, without recursion). */
export type OpenImageFile<Image extends ChainImage> = (path: Buffer, where: string | undefined) => Promise<Image>;

/** A raw backing disk: its bytes as they are, named by where they are, so overlay chains over it still compare cheaply. */
export class RawBackingSource extends FileSource {
  constructor(
    path: Buffer,
    size: number,
    private readonly scope: string,
  ) {
    super(path, size);
  }

  async identity(offset: number, length: number): Promise<string | null> {
    const start = Math.max(0, Math.min(offset, this.size));
    const end = Math.max(start, Math.min(this.size, offset + length));
    return `raw:${JSON.stringify(this.scope)}:${start}:${end - start}`;
  }
}

type Found = { size: number; real: string } | { code: string; reason: string };

/**
 * The backing files below `top`, nearest first, found as QEMU finds them: the name from the header,
 * relative to the folder of the image that names it, format from the backing-format extension or
 * the magic. Where the chain breaks (missing, not a regular file, a loop, too long, unreadable) a
 * warning says so and the clusters it would supply read as zeros.
 */
export async function openBackingChain<Image extends ChainImage>(
  top: Image,
  openFile: OpenImageFile<Image>,
): Promise<BackingLink<Image>[]> {
  const links: BackingLink<Image>[] = [];
  const seen = new Set([top.scope]);
  const warn = (code: string, message: string): void =>
    void top.diagnostics.push(
      diagnostic('warning', code, `${message}; the clusters it would supply read as zeros`, top.where),
    );
  let current = top;
  while (current.backingName !== null) {
    const step = await nextLink(current.path, current.backingName, current.extensions?.backingFormat ?? null, {
      depth: links.length,
      seen,
      openFile,
      top,
    });
    if ('code' in step) {
      warn(step.code, step.message);
      break;
    }
    links.push(step);
    if (step.format === 'raw') break;
    current = step.image;
  }
  return links;
}

interface Walk<Image extends ChainImage> {
  depth: number;
  seen: Set<string>;
  openFile: OpenImageFile<Image>;
  top: Image;
}

type Broken = { code: string; message: string };

async function nextLink<Image extends ChainImage>(
  imagePath: string | Buffer,
  rawName: Uint8Array,
  declaredFormat: string | null,
  walk: Walk<Image>,
): Promise<BackingLink<Image> | Broken> {
  const name = decodeName(rawName);
  if (walk.depth >= limits.qcow2BackingChain) {
    const message = `backing chain is longer than ${limits.qcow2BackingChain} files (qcow2BackingChain): ${name} is not opened`;
    return { code: 'QCOW2_BACKING_CHAIN_TOO_LONG', message };
  }
  const path = backingPath(imagePath, rawName);
  const found = await regularFile(path);
  if ('code' in found) return { code: found.code, message: `backing file ${name} ${found.reason}` };
  if (walk.seen.has(found.real))
    return { code: 'QCOW2_BACKING_LOOP', message: `backing file ${name} is already in the chain (a loop)` };
  walk.seen.add(found.real);
  const format = declaredFormat ?? (await probeFormat(path, found.size));
  if (format === 'raw') return { format, name, file: new RawBackingSource(path, found.size, found.real) };
  if (format !== 'qcow2') {
    const message = `backing file ${name} is in format ${format}, which is not read here`;
    return { code: 'QCOW2_BACKING_UNSUPPORTED', message };
  }
  const image = await walk.openFile(path, walk.top.where);
  for (const finding of image.diagnostics)
    walk.top.diagnostics.push({ ...finding, message: `backing file ${name}: ${finding.message}` });
  if (image.unreadable !== null)
    return { code: 'QCOW2_BACKING_UNREADABLE', message: `backing file ${name} cannot be read (${image.unreadable})` };
  return { format, name, image };
}

/** Absolute names as given; relative ones from the folder of the naming image (the path as opened, as QEMU does). */
export function backingPath(imagePath: string | Buffer, name: Uint8Array): Buffer {
  if (name[0] === 0x2f) return Buffer.from(name);
  const path = Buffer.from(imagePath);
  const slash = path.lastIndexOf(0x2f);
  const folder = slash < 0 ? Buffer.from('.') : path.subarray(0, Math.max(1, slash));
  return Buffer.concat([folder, Buffer.from('/'), name]);
}

/** Only regular files are opened: a FIFO would block and a device (`/dev/zero`) never ends. */
async function regularFile(path: Buffer): Promise<Found> {
  const where = decodeName(path);
  try {
    const info = await stat(path);
    if (!info.isFile())
      return { code: 'QCOW2_BACKING_NOT_FILE', reason: `(${where}) is ${kindOf(info)}, not a regular file` };
    await access(path, constants.R_OK);
    return { size: info.size, real: await realpath(path, 'utf8') };
  } catch (error) {
    const reason =
      (error as { code?: string }).code === 'ENOENT' ? 'does not exist' : `cannot be read (${errorMessage(error)})`;
    return { code: 'QCOW2_BACKING_MISSING', reason: `(${where}) ${reason}` };
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'something other than a file';
}

/** Without a backing-format extension QEMU probes the file; qcow2 and raw are the formats read here. */
async function probeFormat(path: Buffer, size: number): Promise<string> {
  const file = new FileSource(path, size);
  const head = await file.read(0, 4).catch(() => new Uint8Array(0));
  file.close();
  return hasQcow2Magic(head) ? 'qcow2' : 'raw';
}
