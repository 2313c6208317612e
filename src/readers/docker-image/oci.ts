import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from './limits.js';
import { isJsonObject, type JsonValue } from '../shared/json.js';
import { blobPath, type MemberTable } from './members.js';

/** An OCI content descriptor (image-spec `descriptor.md`), reduced to what the reader uses. */
export interface Descriptor {
  mediaType: string | null;
  digest: string;
  size: bigint | null;
  annotations: Record<string, string>;
  platform: string | null;
}

/** One image manifest reachable from `index.json`, nested indexes flattened. */
export interface ManifestCandidate {
  descriptor: Descriptor;
  /** The tag or full reference from the annotations of the descriptor or of the index that led here. */
  ref: string | null;
  attestation: boolean;
  present: boolean;
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
/** Real images nest at most an index inside `index.json`; deeper is hostile. */

export function parseDescriptor(value: JsonValue | undefined): Descriptor | null {
  if (!isJsonObject(value) || typeof value.digest !== 'string') return null;
  const annotations: Record<string, string> = {};
  if (isJsonObject(value.annotations))
    for (const [key, text] of Object.entries(value.annotations)) if (typeof text === 'string') annotations[key] = text;
  const platform = isJsonObject(value.platform)
    ? [value.platform.os, value.platform.architecture, value.platform.variant]
        .filter((part) => typeof part === 'string')
        .join('/') || null
    : null;
  return {
    mediaType: typeof value.mediaType === 'string' ? value.mediaType : null,
    digest: value.digest,
    size: typeof value.size === 'bigint' ? value.size : null,
    annotations,
    platform,
  };
}

/** Every image manifest `index.json` leads to, in order; problems become diagnostics. */
export async function listManifests(members: MemberTable, diagnostics: Diagnostic[]): Promise<ManifestCandidate[]> {
  const candidates: ManifestCandidate[] = [];
  await walkIndex(members, 'index.json', null, 0, candidates, diagnostics);
  return candidates;
}

async function walkIndex(
  members: MemberTable,
  path: string,
  inheritedRef: string | null,
  depth: number,
  out: ManifestCandidate[],
  diagnostics: Diagnostic[],
): Promise<void> {
  const index = await members.readJson(path);
  if (!index.ok) {
    // A platform index whose blob was left out is normal for a single-platform export (moby#49473).
    if (!index.missing || depth === 0)
      diagnostics.push(diagnostic('error', 'IMAGE_MANIFEST_INVALID', index.error, path));
    return;
  }
  const list = isJsonObject(index.value) ? index.value.manifests : undefined;
  if (!Array.isArray(list)) {
    diagnostics.push(diagnostic('error', 'IMAGE_MANIFEST_INVALID', `${path} has no manifests list`, path));
    return;
  }
  for (const item of list) {
    const descriptor = parseDescriptor(item);
    if (!descriptor) {
      diagnostics.push(
        diagnostic('warning', 'IMAGE_MANIFEST_INVALID', `${path} lists a manifest without a digest`, path),
      );
      continue;
    }
    const ref = refName(descriptor) ?? inheritedRef;
    const blob = blobPath(descriptor.digest);
    if (descriptor.mediaType !== null && INDEX_TYPES.has(descriptor.mediaType) && blob !== null) {
      if (depth + 1 < limits.indexDepth) await walkIndex(members, blob, ref, depth + 1, out, diagnostics);
      else
        diagnostics.push(
          diagnostic(
            'warning',
            'IMAGE_INDEX_TOO_DEEP',
            `${path}: image indexes nest more than ${limits.indexDepth} deep (limit indexDepth); ${blob} is not followed`,
            path,
          ),
        );
      continue;
    }
    const attestation =
      descriptor.annotations['vnd.docker.reference.type'] === 'attestation-manifest' ||
      descriptor.platform === 'unknown/unknown';
    out.push({ descriptor, ref, attestation, present: blob !== null && members.resolve(blob) !== undefined });
  }
}

/** The full reference when Docker or containerd wrote one, else the OCI ref name (a tag, or podman's full reference). */
function refName(descriptor: Descriptor): string | null {
  return (
    descriptor.annotations['io.containerd.image.name'] ??
    descriptor.annotations['org.opencontainers.image.ref.name'] ??
    null
  );
}

/** linux/amd64 when present, else the first present image that is not an attestation. */
export function defaultCandidate(candidates: readonly ManifestCandidate[]): number {
  const usable = candidates
    .map((candidate, index) => ({ candidate, index }))
    .filter(({ candidate }) => candidate.present && !candidate.attestation);
  const amd64 = usable.find(({ candidate }) => candidate.descriptor.platform?.startsWith('linux/amd64'));
  return (amd64 ?? usable[0])?.index ?? 0;
}

export interface ManifestDescriptors {
  config: Descriptor | null;
  layers: Descriptor[];
}

/** Config and layer descriptors of one image manifest blob; null (with a diagnostic) when unreadable. */
export async function readManifest(
  members: MemberTable,
  descriptor: Descriptor,
  diagnostics: Diagnostic[],
): Promise<ManifestDescriptors | null> {
  const path = blobPath(descriptor.digest);
  const manifest = path === null ? null : await members.readJson(path);
  if (!manifest?.ok || !isJsonObject(manifest.value)) {
    const reason = manifest && !manifest.ok ? manifest.error : `manifest ${descriptor.digest} is not a JSON object`;
    diagnostics.push(diagnostic('error', 'IMAGE_MANIFEST_INVALID', reason, path ?? descriptor.digest));
    return null;
  }
  const layers = Array.isArray(manifest.value.layers) ? manifest.value.layers.map(parseDescriptor) : [];
  if (layers.includes(null))
    diagnostics.push(
      diagnostic(
        'error',
        'IMAGE_MANIFEST_INVALID',
        `manifest ${descriptor.digest} has a layer without a digest`,
        path ?? undefined,
      ),
    );
  return { config: parseDescriptor(manifest.value.config), layers: layers.filter((layer) => layer !== null) };
}
