import { SnapinspectError } from '../model/errors.js';
import { cloudifyReader } from './cloudify/index.js';
import { criuReader } from './criu/index.js';
import { dockerBundleReader } from './docker-bundle/index.js';
import { dockerExportReader } from './docker-export/index.js';
import { dockerImageReader } from './docker-image/index.js';
import { dockerInspectReader } from './docker-inspect/index.js';
import { icpSnapshotReader } from './icp-snapshot/index.js';
import { wasmModuleReader } from './icp-snapshot/wasm-module-reader.js';
import type { Probe, Reader } from './reader.js';
import { lxdDirReader, lxdExportReader } from './lxd/index.js';
import { manifestReader } from './manifest/index.js';
import { multipassReader, multipassSnapshotReader } from './multipass/index.js';
import { qcow2Reader } from './qcow2/index.js';
import { tarFsReader } from './tar-fs/index.js';

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
  icpSnapshotReader,
  multipassReader,
  lxdDirReader,
  dockerBundleReader,
  dockerInspectReader,
  multipassSnapshotReader,
  manifestReader,
];

export interface Detected {
  reader: Reader;
  variant: string | null;
}

export async function detectReader(probe: Probe, forcedFormat?: string): Promise<Detected> {
  if (forcedFormat !== undefined) return forced(probe, forcedFormat);
  for (const reader of readers) {
    const variant = await reader.detect(probe);
    if (variant !== null) return { reader, variant };
  }
  const tried = readers.map((reader) => reader.id).join(', ');
  throw new SnapinspectError('UNKNOWN_FORMAT', `${probe.path}: not a format snapinspect knows (tried ${tried}); use --format ID to force one`);
}

async function forced(probe: Probe, id: string): Promise<Detected> {
  const reader = readers.find((candidate) => candidate.id === id);
  if (!reader) {
    throw new SnapinspectError('USAGE', `unknown format ${id}; formats: ${readers.map((r) => r.id).join(', ')}`);
  }
  return { reader, variant: await reader.detect(probe) };
}
