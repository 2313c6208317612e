import type { Source } from '../../model/source.js';
import type { OpenedLayer } from './layers.js';
import { digestInName, type MemberTable } from './members.js';
import type { BlobRef, ImageRef } from './plan.js';

/** A member whose sha256 is promised by its name or a descriptor; `expected` is lowercase hex. */
export interface DigestCheck {
  path: string;
  source: Source;
  expected: string;
}

export interface LayerCheck {
  /** 1-based, bottom layer first, as in `#layer:N`. */
  number: number;
  path: string;
  /** The blob as stored (possibly compressed); null when the archive lacks it. */
  blob: Source | null;
  /** `rootfs.diff_ids[N-1]`: sha256 of the decompressed layer, `sha256:<hex>`; null when the config has none. */
  diffId: string | null;
}

export interface SizeCheck {
  path: string;
  /** What the descriptor says. */
  declared: bigint;
  actual: number;
}

/** What the image checks need beyond the merged tree, whose nodes are not the blobs as stored. */
export interface ImageVerifyData {
  /** Every `blobs/sha256/<hex>` member except the config, which has its own check. */
  blobs: DigestCheck[];
  /** The config against its file name (legacy `<hex>.json`), blob name or manifest descriptor: the image ID. */
  config: DigestCheck | null;
  layers: LayerCheck[];
  /** Descriptor sizes of the manifest, config and layers against the members. */
  sizes: SizeCheck[];
}

/** Everything `verifyDockerImage` checks for one image, gathered while the reader has the archive open. */
export function imageVerifyFacts(
  members: MemberTable,
  image: ImageRef,
  layers: readonly (OpenedLayer | null)[],
  diffIds: readonly string[],
): ImageVerifyData {
  const config = image.config ? configCheck(members, image.config) : null;
  const configMember = image.config ? members.resolve(image.config.path)?.path : undefined;
  const blobs: DigestCheck[] = [];
  for (const path of members.paths()) {
    const expected = path.startsWith('blobs/') ? digestInName(path) : null;
    const found = expected === null ? undefined : members.resolve(path);
    if (expected !== null && found && found.path !== configMember)
      blobs.push({ path, source: members.source(found.entry), expected });
  }
  return {
    blobs,
    config,
    layers: image.layers.map((layer, index) => ({
      number: index + 1,
      path: layer.path,
      blob: layers[index]?.blob ?? null,
      diffId: diffIds[index] ?? null,
    })),
    sizes: [image.manifest, image.config, ...image.layers].flatMap((blob) => (blob ? sizeCheck(members, blob) : [])),
  };
}

/** The part of the image's facts that concerns layer `number` alone, for `#layer:N`. */
export function layerVerifyFacts(facts: ImageVerifyData, number: number): ImageVerifyData {
  const layers = facts.layers.filter((layer) => layer.number === number);
  const paths = new Set(layers.map((layer) => layer.path));
  return {
    blobs: facts.blobs.filter((blob) => paths.has(blob.path)),
    config: null,
    layers,
    sizes: facts.sizes.filter((size) => paths.has(size.path)),
  };
}

/** The image ID is the config's sha256: promised by the descriptor when there is one, else by the file name. */
function configCheck(members: MemberTable, config: BlobRef): DigestCheck | null {
  const found = members.resolve(config.path);
  const digest = config.descriptor?.digest;
  const expected = digest?.startsWith('sha256:') ? digest.slice('sha256:'.length) : digestInName(config.path);
  return found && expected !== null ? { path: config.path, source: members.source(found.entry), expected } : null;
}

function sizeCheck(members: MemberTable, blob: BlobRef): SizeCheck[] {
  const declared = blob.descriptor?.size;
  const found = members.resolve(blob.path);
  return declared === undefined || declared === null || !found
    ? []
    : [{ path: blob.path, declared, actual: found.entry.size }];
}
