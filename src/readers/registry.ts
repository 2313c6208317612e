import { SnapinspectError } from '../model/errors.js';
import { cloudifyReader } from './cloudify/index.js';
import { criuReader } from './criu/index.js';
import { dockerBundleReader } from './docker-bundle/index.js';
import { dockerExportReader } from './docker-export/index.js';
import { dockerImageReader } from './docker-image/index.js';
import { dockerInspectReader } from './docker-inspect/index.js';
import { icpSnapshotReader, wasmModuleReader } from './icp-snapshot/index.js';
import type { Probe, Reader } from './reader.js';
import { lxdDirReader, lxdExportReader } from './lxd/index.js';
import { manifestReader } from './manifest/index.js';
import { multipassReader, multipassSnapshotReader } from './multipass/index.js';
import { qcow2Reader } from './qcow2/index.js';
import { rawDiskReader } from './raw-disk/index.js';
import { tarFsReader } from './tar-fs/index.js';
import { zipFsReader } from './zip-fs/index.js';

/**
 * Detection order of docs/formats/README.md: magic bytes first, then tars from the most specific
 * member markers to the plain-filesystem fallback, then folders, then JSON descriptors.
 */
export const readers: readonly Reader[] = [
  qcow2Reader,
  wasmModuleReader,
  criuReader,
  cloudifyReader,
  lxdExportReader,
  dockerImageReader,
  dockerExportReader,
  tarFsReader,
  zipFsReader,
  icpSnapshotReader,
  multipassReader,
  lxdDirReader,
  dockerBundleReader,
  dockerInspectReader,
  multipassSnapshotReader,
  manifestReader,
  rawDiskReader,
];

export interface Detected {
  reader: Reader;
  variant: string | null;
}

/** `candidates` are the built-in readers unless a caller (a test of a new format) brings its own list. */
export async function detectReader(
  probe: Probe,
  forcedFormat?: string,
  candidates: readonly Reader[] = readers,
): Promise<Detected> {
  if (forcedFormat !== undefined) return forced(probe, forcedFormat, candidates);
  for (const reader of candidates) {
    const variant = await reader.detect(probe);
    if (variant !== null) return { reader, variant };
  }
  const tried = candidates.map((reader) => reader.id).join(', ');
  throw new SnapinspectError(
    'UNKNOWN_FORMAT',
    `${probe.path}: not a format snapinspect knows (tried ${tried}); use --format ID to force one`,
  );
}

async function forced(probe: Probe, id: string, candidates: readonly Reader[]): Promise<Detected> {
  const reader = candidates.find((candidate) => candidate.id === id);
  if (!reader) {
    throw new SnapinspectError('USAGE', `unknown format ${id}; formats: ${candidates.map((r) => r.id).join(', ')}`);
  }
  return { reader, variant: await reader.detect(probe) };
}
