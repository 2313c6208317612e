import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import { isJsonObject, type JsonValue } from '../shared/json.js';
import { limits } from './limits.js';
import { blobPath, digestInName, type MemberTable } from './members.js';
import {
  defaultCandidate,
  listManifests,
  parseDescriptor,
  readManifest,
  type Descriptor,
  type ManifestCandidate,
} from './oci.js';

/** A member the image points at, with the descriptor that declares its digest and size when there is one. */
export interface BlobRef {
  path: string;
  descriptor: Descriptor | null;
}

/** Where one image's parts are in the archive. */
export interface ImageRef {
  repoTags: string[];
  config: BlobRef | null;
  /** The OCI manifest blob (OCI layouts only). */
  manifest: BlobRef | null;
  /** Bottom layer first, as `manifest.json` `Layers` and `rootfs.diff_ids` list them. */
  layers: BlobRef[];
}

/** An image of the archive as listed before it is read: enough to title it and to pick the default. */
export interface ImageEntry {
  title: string | null;
  summary: MetaRecord;
  load(diagnostics: Diagnostic[]): Promise<ImageRef>;
}

export interface ImagePlan {
  images: ImageEntry[];
  /** Index into `images` of the one shown by default. */
  chosen: number;
}

/** One element of a `docker save` `manifest.json` (docs/formats/containers.md, docker save). */
export interface SaveEntry {
  config: string;
  repoTags: string[];
  layers: string[];
  /** Docker ≥ 25: the layer descriptors (keyed by DiffID in the file). */
  layerSources: Descriptor[] | null;
}

/** Null unless the value has the shape of a `docker save` manifest: a non-empty list of `{Config, Layers}`. */
export function parseSaveManifest(value: JsonValue): SaveEntry[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const entries: SaveEntry[] = [];
  for (const item of value) {
    if (!isJsonObject(item) || typeof item.Config !== 'string' || !Array.isArray(item.Layers)) return null;
    const layers = item.Layers.filter((layer) => typeof layer === 'string');
    if (layers.length !== item.Layers.length) return null;
    const repoTags = Array.isArray(item.RepoTags) ? item.RepoTags.filter((tag) => typeof tag === 'string') : [];
    entries.push({ config: item.Config, repoTags, layers, layerSources: layerSources(item.LayerSources) });
  }
  return entries;
}

function layerSources(value: JsonValue | undefined): Descriptor[] | null {
  if (!isJsonObject(value)) return null;
  return Object.values(value).flatMap((item) => parseDescriptor(item) ?? []);
}

/**
 * The images of a save with a `manifest.json`. Descriptors come from `LayerSources` and, for the
 * containerd store (which writes none), from the OCI manifests beside it; both are matched to
 * members by the digest in the blob's name.
 */
export async function planFromSave(
  members: MemberTable,
  saved: SaveEntry[],
  diagnostics: Diagnostic[],
): Promise<ImagePlan> {
  const entries = saved.slice(0, limits.imageManifests);
  if (saved.length > entries.length)
    diagnostics.push(
      diagnostic(
        'warning',
        'IMAGE_TOO_MANY_MANIFESTS',
        `manifest.json lists ${saved.length} images; only the first ${limits.imageManifests} are listed (limit imageManifests)`,
        'manifest.json',
      ),
    );
  const known = members.has('index.json') ? await ociDescriptors(members) : new Map<string, Descriptor>();
  for (const entry of entries)
    for (const descriptor of entry.layerSources ?? []) known.set(descriptor.digest, descriptor);
  const images = entries.map((entry): ImageEntry => ({
    title: entry.repoTags[0] ?? null,
    summary: { repo_tags: entry.repoTags, config: entry.config, layers: entry.layers.length },
    load: async () => ({
      repoTags: entry.repoTags,
      config: { path: entry.config, descriptor: byName(known, entry.config) },
      manifest: null,
      layers: entry.layers.map((path) => ({ path, descriptor: byName(known, path) })),
    }),
  }));
  return { images, chosen: 0 };
}

function byName(known: Map<string, Descriptor>, path: string): Descriptor | null {
  const hex = digestInName(path);
  return hex === null ? null : (known.get(`sha256:${hex}`) ?? null);
}

/** Config and layer descriptors of every manifest `index.json` reaches, by digest. Its problems are not the save's: `manifest.json` rules. */
async function ociDescriptors(members: MemberTable): Promise<Map<string, Descriptor>> {
  const ignored: Diagnostic[] = [];
  const known = new Map<string, Descriptor>();
  for (const candidate of await listManifests(members, ignored)) {
    if (!candidate.present) continue;
    const manifest = await readManifest(members, candidate.descriptor, ignored);
    for (const descriptor of [manifest?.config ?? null, ...(manifest?.layers ?? [])])
      if (descriptor) known.set(descriptor.digest, descriptor);
  }
  return known;
}

/** The images of an OCI layout without `manifest.json`: index → (platform index →) manifest → config and layers. */
export async function planFromIndex(members: MemberTable, diagnostics: Diagnostic[]): Promise<ImagePlan> {
  const candidates = await listManifests(members, diagnostics);
  if (candidates.length === 0 && !diagnostics.some((d) => d.code === 'IMAGE_MANIFEST_INVALID')) {
    diagnostics.push(
      diagnostic('error', 'IMAGE_MANIFEST_INVALID', 'index.json lists no image manifests', 'index.json'),
    );
  }
  return { images: candidates.map((candidate) => ociEntry(members, candidate)), chosen: defaultCandidate(candidates) };
}

function ociEntry(members: MemberTable, candidate: ManifestCandidate): ImageEntry {
  const { descriptor } = candidate;
  const summary: MetaRecord = {
    ref: candidate.ref,
    digest: descriptor.digest,
    platform: descriptor.platform,
    present: candidate.present,
  };
  if (candidate.attestation) summary.attestation = true;
  return {
    title: candidate.ref,
    summary,
    load: async (diagnostics) => {
      const repoTags = candidate.ref === null ? [] : [candidate.ref];
      const manifestPath = blobPath(descriptor.digest) ?? descriptor.digest;
      const manifest = await readManifest(members, descriptor, diagnostics);
      const blob = (ref: Descriptor): BlobRef => ({ path: blobPath(ref.digest) ?? ref.digest, descriptor: ref });
      const config = manifest?.config ? blob(manifest.config) : null;
      if (manifest && !config)
        diagnostics.push(
          diagnostic('error', 'IMAGE_CONFIG_MISSING', `manifest ${descriptor.digest} names no config`, manifestPath),
        );
      return {
        repoTags,
        config,
        manifest: { path: manifestPath, descriptor },
        layers: (manifest?.layers ?? []).map(blob),
      };
    },
  };
}
