import { createHash } from 'node:crypto';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { HashResult, Snapshot, VerifyContext } from '../../model/snapshot.js';
import type { Source } from '../../model/source.js';
import { DecompressionError, decompress, sniffCodec, type Codec } from '../shared/compression.js';
import type { ImageVerifyData, LayerCheck } from './verify-data.js';
import { pushAll } from '../../model/arrays.js';

/**
 * Digests and sizes of a `docker save` or OCI archive (docs/formats/containers.md, docker save): every blob
 * against its name, the config against the image ID, each decompressed layer against
 * `rootfs.diff_ids`, and descriptor sizes against the members.
 */
export async function verifyDockerImage(
  snapshot: Snapshot,
  data: ImageVerifyData,
  { sha256All, progress }: VerifyContext,
): Promise<Diagnostic[]> {
  const findings: Diagnostic[] = [];
  for (const { path, declared, actual } of data.sizes) {
    if (BigInt(actual) !== declared)
      findings.push(
        diagnostic(
          'error',
          'IMAGE_SIZE_MISMATCH',
          `${path} is ${actual} bytes but its descriptor says ${declared}`,
          path,
        ),
      );
  }
  // Blobs and uncompressed layers are hashed as stored, each member once (a Docker 25 layer is both).
  const plain = new Map<string, Source>();
  for (const blob of [...data.blobs, ...(data.config ? [data.config] : [])]) plain.set(blob.path, blob.source);
  const codecs = new Map<LayerCheck, Codec | null>();
  for (const layer of data.layers) {
    if (!layer.blob) pushAll(findings, missingLayer(snapshot, layer));
    else codecs.set(layer, sniffCodec(await layer.blob.read(0, 512)));
    if (layer.blob && layer.diffId !== null && codecs.get(layer) === null) plain.set(layer.path, layer.blob);
  }
  const paths = [...plain.keys()];
  const digests = new Map(
    (await sha256All([...plain.values()], progress)).map((result, i) => [paths[i] ?? '', result]),
  );
  for (const blob of data.blobs)
    pushAll(findings, [
      ...compare(digests.get(blob.path), blob.expected, blob.path, 'IMAGE_BLOB_DIGEST_MISMATCH', 'the blob name'),
    ]);
  if (data.config)
    pushAll(findings, [
      ...compare(
        digests.get(data.config.path),
        data.config.expected,
        data.config.path,
        'IMAGE_CONFIG_DIGEST_MISMATCH',
        'the image ID',
      ),
    ]);
  // A blob the manifest names many times is inflated and hashed once, not once per mention.
  const inflated = new Map<string, HashResult>();
  for (const [layer, codec] of codecs) {
    if (!layer.blob || layer.diffId === null) continue;
    let result = codec === null ? digests.get(layer.path) : inflated.get(layer.path);
    if (codec !== null && !result) inflated.set(layer.path, (result = await sha256Decompressed(layer.blob, codec)));
    pushAll(findings, [
      ...compare(
        result,
        layer.diffId.replace(/^sha256:/, ''),
        layer.path,
        'IMAGE_DIFF_ID_MISMATCH',
        `rootfs.diff_ids[${layer.number - 1}]`,
      ),
    ]);
  }
  return findings;
}

/** The reader reports a missing layer already; verify repeats it only for snapshots that lack it. */
function missingLayer(snapshot: Snapshot, layer: LayerCheck): Diagnostic[] {
  if (snapshot.diagnostics.some((found) => found.code === 'IMAGE_LAYER_MISSING' && found.path === layer.path))
    return [];
  return [
    diagnostic(
      'error',
      'IMAGE_LAYER_MISSING',
      `layer ${layer.number} (${layer.path}) is named by the manifest but is not in the archive`,
      layer.path,
    ),
  ];
}

function compare(
  result: HashResult | undefined,
  expected: string,
  path: string,
  code: string,
  what: string,
): Diagnostic[] {
  if (!result) return [];
  if ('error' in result)
    return [diagnostic('error', code, `${path} cannot be read to check it against ${what}: ${result.error}`, path)];
  if (result.digest === expected.toLowerCase()) return [];
  return [diagnostic('error', code, `sha256 of ${path} is ${result.digest}, but ${what} says ${expected}`, path)];
}

/** A DiffID is the digest of the uncompressed tar, so compressed layers are hashed as they inflate. */
async function sha256Decompressed(blob: Source, codec: Codec): Promise<HashResult> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of decompress(blob, codec)) hash.update(chunk);
  } catch (error) {
    if (!(error instanceof DecompressionError)) throw error;
    return { error: error.message };
  }
  return { digest: hash.digest('hex') };
}
