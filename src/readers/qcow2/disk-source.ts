import { constants, inflateRawSync } from 'node:zlib';
import { errorMessage } from '../../model/errors.js';
import { BytesSource, type Source } from '../../model/source.js';
import { decompress } from '../shared/compression.js';
import { ALL_SUBCLUSTERS, type Cluster, type ClusterMap } from './cluster-map.js';

export type ClusterCodec = 'zlib' | 'zstd';

/** Called once per kind of damage met while reading, so a broken image does not flood the diagnostics. */
export type ReadProblem = (code: string, message: string) => void;

type DataCluster = Extract<Cluster, { type: 'data' }>;
type CompressedCluster = Extract<Cluster, { type: 'compressed' }>;

/**
 * The guest disk as QEMU presents it: allocated clusters from their host offset, compressed ones
 * inflated, zero and unallocated ones as zeros. A backing file is not followed: what it would
 * supply reads as zeros (the reader says so once).
 */
export class Qcow2DiskSource implements Source {
  readonly size: number;
  private inflated: { offset: number; bytes: Uint8Array } | undefined;

  constructor(
    private readonly map: ClusterMap,
    private readonly file: Source,
    private readonly codec: ClusterCodec | null,
    private readonly report: ReadProblem,
  ) {
    this.size = map.geometry.virtualSize;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + Math.max(0, length));
    if (offset < 0 || offset >= end) return new Uint8Array(0);
    const out = new Uint8Array(end - offset);
    const { clusterSize } = this.map.geometry;
    for (let position = offset; position < end;) {
      const guestCluster = Math.floor(position / clusterSize);
      const within = position - guestCluster * clusterSize;
      const count = Math.min(clusterSize - within, end - position);
      await this.copy(
        await this.map.cluster(guestCluster),
        out.subarray(position - offset, position - offset + count),
        within,
      );
      position += count;
    }
    return out;
  }

  private async copy(cluster: Cluster, target: Uint8Array, within: number): Promise<void> {
    if (cluster.type === 'data') await this.copyData(cluster, target, within);
    else if (cluster.type === 'compressed')
      target.set((await this.inflate(cluster)).subarray(within, within + target.length));
  }

  /** Whole clusters in one read; with extended L2, each allocated subcluster on its own (zeroed ones stay zero). */
  private async copyData(cluster: DataCluster, target: Uint8Array, within: number): Promise<void> {
    if (cluster.alloc === ALL_SUBCLUSTERS && cluster.zero === 0) {
      target.set(await this.file.read(cluster.offset + within, target.length));
      return;
    }
    const subSize = this.map.geometry.clusterSize / 32;
    const end = within + target.length;
    for (let sub = Math.floor(within / subSize); sub * subSize < end; sub++) {
      const bit = 2 ** sub;
      if (Math.floor(cluster.zero / bit) % 2 === 1 || Math.floor(cluster.alloc / bit) % 2 === 0) continue;
      const from = Math.max(within, sub * subSize);
      const to = Math.min(end, (sub + 1) * subSize);
      target.set(await this.file.read(cluster.offset + from, to - from), from - within);
    }
  }

  private async inflate(cluster: CompressedCluster): Promise<Uint8Array> {
    if (this.inflated?.offset === cluster.offset) return this.inflated.bytes;
    const { clusterSize } = this.map.geometry;
    let bytes: Uint8Array = new Uint8Array(clusterSize);
    if (this.codec === null) {
      this.report('QCOW2_BAD_COMPRESSED', 'compressed clusters use an unknown compression type and read as zeros');
    } else {
      const result = await inflateCluster(
        await this.file.read(cluster.offset, cluster.length),
        this.codec,
        clusterSize,
      );
      if (typeof result === 'string')
        this.report(
          'QCOW2_BAD_COMPRESSED',
          `compressed cluster at host offset 0x${cluster.offset.toString(16)} cannot be inflated (${result}); it reads as zeros`,
        );
      else bytes = result;
    }
    this.inflated = { offset: cluster.offset, bytes };
    return bytes;
  }
}

/** One cluster's compressed bytes to exactly one cluster, or why not. Trailing sector padding is ignored, as QEMU does. */
export async function inflateCluster(
  input: Uint8Array,
  codec: ClusterCodec,
  clusterSize: number,
): Promise<Uint8Array | string> {
  let output: Uint8Array;
  try {
    output =
      codec === 'zlib'
        ? inflateRawSync(input, { maxOutputLength: clusterSize, finishFlush: constants.Z_SYNC_FLUSH })
        : await unzstdCluster(input, clusterSize);
  } catch (error) {
    return errorMessage(error);
  }
  if (output.length < clusterSize)
    return `${codec} data inflates to ${output.length} bytes, not a whole ${clusterSize}-byte cluster`;
  return output.subarray(0, clusterSize);
}

/** QEMU stops once the cluster is full; so do we, before the zero padding after the frame is taken for another frame. */
async function unzstdCluster(input: Uint8Array, clusterSize: number): Promise<Uint8Array> {
  const output = new Uint8Array(clusterSize);
  let filled = 0;
  const limits = { maxOutputBytes: clusterSize + 256 * 1024, maxRatio: Number.MAX_SAFE_INTEGER };
  for await (const chunk of decompress(new BytesSource(input), 'zstd', limits)) {
    output.set(chunk.subarray(0, clusterSize - filled), filled);
    filled += Math.min(chunk.length, clusterSize - filled);
    if (filled === clusterSize) break;
  }
  return output.subarray(0, filled);
}
