import { constants, inflateRawSync } from 'node:zlib';
import { errorMessage } from '../../model/errors.js';
import { BytesSource } from '../../model/source.js';
import { decompress } from '../shared/compression.js';

export type ClusterCodec = 'zlib' | 'zstd';

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
