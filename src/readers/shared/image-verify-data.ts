import type { Snapshot } from '../../model/snapshot.js';
import type { Source } from '../../model/source.js';

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

/**
 * What the docker-image verifier needs and a Snapshot cannot carry: blob bytes are not nodes of
 * the merged tree. The reader fills it; `src/verify/docker-image.ts` reads it.
 */
export interface ImageVerifyData {
  /** Every `blobs/sha256/<hex>` member except the config, which has its own check. */
  blobs: DigestCheck[];
  /** The config against its file name (legacy `<hex>.json`), blob name or manifest descriptor: the image ID. */
  config: DigestCheck | null;
  layers: LayerCheck[];
  /** Descriptor sizes of the manifest, config and layers against the members. */
  sizes: SizeCheck[];
}

const data = new WeakMap<Snapshot, ImageVerifyData>();

export function setImageVerifyData(snapshot: Snapshot, value: ImageVerifyData): void {
  data.set(snapshot, value);
}

export function imageVerifyData(snapshot: Snapshot): ImageVerifyData | undefined {
  return data.get(snapshot);
}
