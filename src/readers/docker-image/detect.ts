import type { TarArchive } from '../shared/tar-archive.js';
import { memberTable, type MemberTable } from './members.js';
import { parseSaveManifest, type SaveEntry } from './plan.js';

/**
 * - `legacy`: Docker ≤ 24 (`<v1id>/layer.tar`, no OCI layout);
 * - `oci-compat`: Docker ≥ 25 classic store (OCI layout plus `manifest.json` with `LayerSources`, or `repositories`);
 * - `containerd`: Docker's containerd store (OCI layout plus a bare `manifest.json`);
 * - `oci`: an OCI layout alone (podman `oci-archive`, skopeo, buildkit).
 */
export type ImageVariant = 'legacy' | 'oci-compat' | 'containerd' | 'oci';

export interface Detection {
  variant: ImageVariant;
  /** The parsed `manifest.json`, when it is one. */
  save: SaveEntry[] | null;
  /** Why `manifest.json` could not be used although the archive is otherwise an image. */
  manifestError: string | null;
}

const LEGACY_LAYER = /^[0-9a-f]{64}\/(?:layer\.tar|VERSION)$/;
const BLOB = /^blobs\/sha256\/[0-9a-f]{64}$/;

/** Reads at most `manifest.json` (small), so it stays cheap next to the tar index the probe already built. */
export async function detectImage(archive: TarArchive): Promise<Detection | null> {
  const members = memberTable(archive);
  const ociLayout = members.has('oci-layout') && members.has('index.json');
  if (!members.has('manifest.json'))
    return ociLayout
      ? { variant: 'oci', save: null, manifestError: null }
      : damaged(members, 'manifest.json is missing: the archive is probably cut short');
  const read = await members.readJson('manifest.json');
  const save = read.ok ? parseSaveManifest(read.value) : null;
  // A manifest that names nothing here belongs to some other tar; one naming part of it is a damaged save.
  if (save?.some((image) => [image.config, ...image.layers].some((path) => members.resolve(path)))) {
    return { variant: saveVariant(members, save, ociLayout), save, manifestError: null };
  }
  const manifestError = !read.ok
    ? read.error
    : save
      ? 'manifest.json names no member of this archive'
      : 'manifest.json is not a list of images with Config and Layers';
  if (ociLayout)
    return { variant: members.has('repositories') ? 'oci-compat' : 'containerd', save: null, manifestError };
  return damaged(members, manifestError);
}

/** Without a usable manifest, members only images have still identify a (truncated or damaged) save. */
function damaged(members: MemberTable, manifestError: string): Detection | null {
  const paths = [...members.paths()];
  if (members.has('repositories') || paths.some((path) => LEGACY_LAYER.test(path)))
    return { variant: 'legacy', save: null, manifestError };
  // The OCI reading reports the missing index.json itself.
  return paths.some((path) => BLOB.test(path)) ? { variant: 'oci', save: null, manifestError: null } : null;
}

function saveVariant(members: MemberTable, save: SaveEntry[], ociLayout: boolean): ImageVariant {
  if (!ociLayout) return 'legacy';
  return save.some((image) => image.layerSources !== null) || members.has('repositories') ? 'oci-compat' : 'containerd';
}
