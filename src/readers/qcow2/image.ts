import { realpath, stat } from 'node:fs/promises';
import { limits } from './limits.js';
import { resolve } from 'node:path';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { decodeName } from '../../model/display.js';
import { FileSource } from '../../model/source.js';
import { fileOffset, hex } from './bytes.js';
import type { ClusterCodec } from './inflate.js';
import { parseExtensions, type Extensions } from './extensions.js';
import { hasFeature, INCOMPATIBLE, isMappable, parseHeader, type Qcow2Header } from './header.js';
import { readSnapshotTable, type Qcow2SnapshotEntry } from './snapshot-table.js';
import { pushAll } from '../../model/arrays.js';
import { openBackingChain, type BackingLink } from './backing.js';

/** QEMU's QCOW_MAX_L1_SIZE (32 MiB of entries) and QCOW_MAX_REFTABLE_SIZE (8 MiB). */
export const MAX_L1_ENTRIES = (32 * 1024 * 1024) / 8;
const PROBE_BYTES = 4096;

/** Everything read from a qcow2 file up front; guest data is mapped later, per view (see disk.ts). */
export interface Qcow2Image {
  /** The file's real path: page tokens of two views compare only within one file. */
  scope: string;
  /** The path as opened: relative backing names start from its folder, as in QEMU. */
  path: string | Buffer;
  file: FileSource;
  header: Qcow2Header | null;
  extensions: Extensions | null;
  backingFile: string | null;
  /** The backing file name as stored, for opening it. */
  backingName: Uint8Array | null;
  /** The backing files that could be opened, nearest first; empty without a backing file or when the first is broken. */
  backing: BackingLink<Qcow2Image>[];
  snapshots: Qcow2SnapshotEntry[];
  diagnostics: Diagnostic[];
  /** Whether clusters can be mapped at all (a known version and cluster size). */
  mappable: boolean;
  /** Why guest bytes cannot be shown (encryption, external data, unusable header), or null when they can. */
  unreadable: string | null;
  codec: ClusterCodec | null;
  /** Diagnostic path for findings about this file (its name inside a Multipass folder); none for a bare image. */
  where: string | undefined;
}

/**
 * Never throws on bad bytes: whatever cannot be read becomes a diagnostic and the rest is still shown.
 * The backing chain is opened too, each file's findings among the image's own.
 */
export async function openQcow2Image(path: string | Buffer, where?: string): Promise<Qcow2Image> {
  const image = await openQcow2File(path, where);
  if (image.backingName === null) return image;
  const at = image.diagnostics.length;
  image.backing = await openBackingChain(image, openQcow2File);
  const chain = image.backing.map((link) => `${link.name} (${link.format})`).join(' → ') || image.backingFile;
  const message = `backing file ${chain}: clusters this image does not allocate are read from it`;
  image.diagnostics.splice(at, 0, diagnostic('info', 'QCOW2_BACKING_FILE', message, where));
  return image;
}

async function openQcow2File(path: string | Buffer, where: string | undefined): Promise<Qcow2Image> {
  const size = (await stat(path)).size;
  const file = new FileSource(path, size);
  const scope = await realpath(path).catch(() => resolve(path.toString()));
  const image: Qcow2Image = {
    scope,
    path,
    file,
    header: null,
    extensions: null,
    backingFile: null,
    backingName: null,
    backing: [],
    snapshots: [],
    diagnostics: [],
    mappable: false,
    unreadable: null,
    codec: null,
    where,
  };
  const parsed = parseHeader(await file.read(0, PROBE_BYTES));
  if (!parsed) {
    image.unreadable = 'no qcow2 header';
    image.diagnostics.push(
      diagnostic(
        'error',
        'QCOW2_BAD_HEADER',
        `not a qcow2 image: ${size < 72 ? `only ${size} bytes, the header alone is 72` : 'no QFI\\xfb magic'}`,
        where,
      ),
    );
    return image;
  }
  const { header, problems } = parsed;
  image.header = header;
  for (const problem of problems) image.diagnostics.push(diagnostic('error', problem.code, problem.message, where));
  if (!isMappable(header)) {
    image.unreadable = 'the header is unusable';
    return image;
  }
  image.mappable = true;
  await readHeaderArea(image, header);
  checkFeatures(image, header);
  checkTables(image, header);
  const table = await readSnapshotTable(file, header, where);
  image.snapshots = table.entries;
  pushAll(image.diagnostics, table.diagnostics);
  for (const entry of image.snapshots) checkL1(image, entry.l1TableOffset, entry.l1Size, `snapshot ${entry.name}`);
  return image;
}

async function readHeaderArea(image: Qcow2Image, header: Qcow2Header): Promise<void> {
  const clusterSize = 2 ** header.clusterBits;
  if (header.headerLength > clusterSize) {
    image.diagnostics.push(
      diagnostic(
        'error',
        'QCOW2_BAD_HEADER',
        `header_length ${header.headerLength} is larger than a cluster (${clusterSize})`,
        image.where,
      ),
    );
  }
  const area = await image.file.read(0, clusterSize);
  image.extensions = parseExtensions(area, header, clusterSize);
  for (const problem of image.extensions.problems)
    image.diagnostics.push(diagnostic('error', problem.code, problem.message, image.where));
  if (header.backingFileOffset === 0n) return;
  const name = await image.file.read(fileOffset(header.backingFileOffset), Math.min(header.backingFileSize, 1023));
  if (name.length < Math.min(header.backingFileSize, 1023)) {
    image.diagnostics.push(
      diagnostic(
        'error',
        'QCOW2_BAD_HEADER',
        `the backing file name at ${hex(header.backingFileOffset)} runs past the end of the file`,
        image.where,
      ),
    );
  }
  image.backingName = name;
  image.backingFile = decodeName(name);
}

function checkFeatures(image: Qcow2Image, header: Qcow2Header): void {
  const add = (severity: Diagnostic['severity'], code: string, message: string): void =>
    void image.diagnostics.push(diagnostic(severity, code, message, image.where));
  const bits = header.incompatibleFeatures;
  if (hasFeature(bits, INCOMPATIBLE.dirty))
    add(
      'warning',
      'QCOW2_DIRTY',
      'dirty bit set: QEMU did not close the image cleanly, so refcounts may be stale (QEMU repairs them on the next read-write open; qemu-img check -r all does it now)',
    );
  if (hasFeature(bits, INCOMPATIBLE.corrupt))
    add(
      'error',
      'QCOW2_CORRUPT',
      'corrupt bit set: QEMU found inconsistent metadata and refuses to open the image read-write until qemu-img check -r repairs it',
    );
  if (header.cryptMethod !== 0) {
    image.unreadable = 'the guest data is encrypted';
    add(
      'info',
      'QCOW2_ENCRYPTED',
      `guest data is encrypted (${cryptName(header.cryptMethod)}): contents are not readable here; the cluster map still is`,
    );
  }
  if (hasFeature(bits, INCOMPATIBLE.externalData)) {
    image.unreadable = 'the guest data lives in an external data file';
    const name = image.extensions?.externalDataFile;
    add(
      'info',
      'QCOW2_EXTERNAL_DATA',
      `guest data lives in an external data file${name ? ` (${name})` : ''}: contents are not readable here; the cluster map still is`,
    );
  }
  if (header.compressionType === 0) image.codec = 'zlib';
  else if (header.compressionType === 1) image.codec = 'zstd';
}

export function cryptName(method: number): string {
  return ['none', 'aes', 'luks'][method] ?? `unknown (${method})`;
}

function checkTables(image: Qcow2Image, header: Qcow2Header): void {
  checkL1(image, header.l1TableOffset, header.l1Size, 'the active L1 table');
  const clusterSize = 2 ** header.clusterBits;
  const guestClusters = Math.ceil(Number(header.size) / clusterSize);
  const needed = Math.ceil(
    guestClusters / (clusterSize / (hasFeature(header.incompatibleFeatures, INCOMPATIBLE.extendedL2) ? 16 : 8)),
  );
  if (header.l1Size < needed) {
    image.diagnostics.push(
      diagnostic(
        'error',
        'QCOW2_BAD_HEADER',
        `l1_size ${header.l1Size} is too small for a ${header.size}-byte disk (needs ${needed}); the rest reads as zeros`,
        image.where,
      ),
    );
  }
  const refcountBytes = header.refcountTableClusters * clusterSize;
  if (refcountBytes > limits.qcow2RefcountTableBytes) {
    const message = `refcount table of ${header.refcountTableClusters} clusters exceeds the limit of ${limits.qcow2RefcountTableBytes} bytes (qcow2RefcountTableBytes)`;
    image.diagnostics.push(diagnostic('error', 'QCOW2_TABLE_TOO_LARGE', message, image.where));
  }
  if (fileOffset(header.refcountTableOffset) + refcountBytes > image.file.size) {
    image.diagnostics.push(
      diagnostic(
        'error',
        'QCOW2_TABLE_PAST_END',
        `refcount table at ${hex(header.refcountTableOffset)} (${refcountBytes} bytes) runs past the end of the file (${image.file.size} bytes)`,
        image.where,
      ),
    );
  }
}

/** Size and bounds of an L1 table; reading it later takes only what is there. */
function checkL1(image: Qcow2Image, offset: bigint, entries: number, what: string): void {
  if (entries > MAX_L1_ENTRIES) {
    image.diagnostics.push(
      diagnostic(
        'error',
        'QCOW2_TABLE_TOO_LARGE',
        `${what} has ${entries} entries; QEMU allows ${MAX_L1_ENTRIES}, only those needed for the disk size are read`,
        image.where,
      ),
    );
  }
  const end = fileOffset(offset) + Math.min(entries, MAX_L1_ENTRIES) * 8;
  if (entries > 0 && end > image.file.size) {
    image.diagnostics.push(
      diagnostic(
        'error',
        'QCOW2_TABLE_PAST_END',
        `${what} at ${hex(offset)} (${entries} entries) runs past the end of the file (${image.file.size} bytes)`,
        image.where,
      ),
    );
  }
}
