import type { Source } from '../../model/source.js';
import type { ClusterMap } from './cluster-map.js';
import { identityKey } from './identity.js';
import { inflateCluster, type ClusterCodec } from './inflate.js';
import { guestRuns, type CompressedCluster } from './runs.js';

/** Called once per kind of damage met while reading, so a broken image does not flood the diagnostics. */
export type ReadProblem = (code: string, message: string) => void;

/** What a guest disk reads from: one view's cluster map over the image file, and what lies below it. */
export interface DiskParts {
  map: ClusterMap;
  file: Source;
  codec: ClusterCodec | null;
  /** The image file's real path: host offsets name bytes only within it. */
  scope: string;
  /** The backing file's guest disk (its active state), or null: then what it would supply reads as zeros. */
  backing: Source | null;
  report: ReadProblem;
}

/**
 * The guest disk as QEMU presents it: allocated clusters from their host offset, compressed ones
 * inflated, zero ones as zeros, unallocated clusters and subclusters from the backing file.
 */
export class Qcow2DiskSource implements Source {
  readonly size: number;
  private inflated: { offset: number; bytes: Uint8Array } | undefined;

  constructor(private readonly parts: DiskParts) {
    this.size = parts.map.geometry.virtualSize;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + Math.max(0, length));
    if (offset < 0 || offset >= end) return new Uint8Array(0);
    const out = new Uint8Array(end - offset);
    const { file, backing } = this.parts;
    for await (const run of guestRuns(this.parts.map, offset, end)) {
      const target = out.subarray(run.guest - offset, run.guest - offset + run.length);
      if (run.kind === 'file') target.set(await file.read(run.host, run.length));
      else if (run.kind === 'compressed')
        target.set((await this.inflate(run.cluster)).subarray(run.within, run.within + run.length));
      else if (run.kind === 'backing' && backing) target.set(await backing.read(run.guest, run.length));
    }
    return out;
  }

  /** Cluster-map lookups only: the bytes themselves are not read. */
  identity(offset: number, length: number): Promise<string | null> {
    const end = Math.min(this.size, offset + Math.max(0, length));
    const { map, scope, backing } = this.parts;
    return identityKey(map, scope, backing, Math.max(0, Math.min(offset, end)), end);
  }

  private async inflate(cluster: CompressedCluster): Promise<Uint8Array> {
    if (this.inflated?.offset === cluster.offset) return this.inflated.bytes;
    const { map, codec, file, report } = this.parts;
    const { clusterSize } = map.geometry;
    let bytes: Uint8Array = new Uint8Array(clusterSize);
    if (codec === null) {
      report('QCOW2_BAD_COMPRESSED', 'compressed clusters use an unknown compression type and read as zeros');
    } else {
      const result = await inflateCluster(await file.read(cluster.offset, cluster.length), codec, clusterSize);
      if (typeof result === 'string')
        report(
          'QCOW2_BAD_COMPRESSED',
          `compressed cluster at host offset 0x${cluster.offset.toString(16)} cannot be inflated (${result}); it reads as zeros`,
        );
      else bytes = result;
    }
    this.inflated = { offset: cluster.offset, bytes };
    return bytes;
  }
}
